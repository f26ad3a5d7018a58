#!/bin/sh
# Installs the system packages meditate needs, if any are missing: ffmpeg (encoding and
# decoding), a C compiler and the ALSA headers (to build simpleaudio and pyalsaaudio, for the
# speakers and the microphone; neither has a Linux wheel), espeak-ng (draft narration) and
# Python's venv. Quick and silent when everything is present.
#
# With --dev it also installs the independent readers the tests check exports with:
# id3lib's id3info, mp3val, metaflac and GStreamer's gst-discoverer (with its WAV parser);
# Debian's Chromium, which the tests open the published web page in (headless; no download);
# exiftool and mediainfo, which read the tags; Node.js with npm (for podcast-partytime, a feed
# parser) and a Java runtime (for the Nu HTML checker), both installed by `make test` into
# tests/node; man-db, which renders the manual page; and zsh and fish, whose completion of
# meditate's commands is tested beside bash's;
# and the speech engines the tests speak with besides espeak-ng: festival with its HTS voice
# (the bundled narration's, which tools/make_narration.py needs) and flite.
set -eu

dev=""
[ "${1:-}" = "--dev" ] && dev=1

missing=""
have() { command -v "$1" >/dev/null 2>&1; }
have ffmpeg || missing="$missing ffmpeg"
have ffprobe || missing="$missing ffmpeg"
have cc || missing="$missing gcc"
have espeak-ng || missing="$missing espeak-ng"
[ -f /usr/include/alsa/asoundlib.h ] || missing="$missing libasound2-dev"
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || missing="$missing python3-venv"
python3 -c "import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))" \
    >/dev/null 2>&1 || missing="$missing python3-dev"

if [ -n "$dev" ]; then
    have id3info || missing="$missing libid3-tools"
    have mp3val || missing="$missing mp3val"
    have metaflac || missing="$missing flac"
    have gst-discoverer-1.0 || missing="$missing gstreamer1.0-plugins-base-apps"
    [ -e /usr/lib/x86_64-linux-gnu/gstreamer-1.0/libgstwavparse.so ] \
        || [ -n "$(find /usr/lib -name libgstwavparse.so 2>/dev/null | head -1)" ] \
        || missing="$missing gstreamer1.0-plugins-good"
    have festival || missing="$missing festival"
    [ -d /usr/share/festival/voices/us/cmu_us_slt_arctic_hts ] || missing="$missing festvox-us-slt-hts"
    have flite || missing="$missing flite"
    have chromium || missing="$missing chromium"
    have exiftool || missing="$missing libimage-exiftool-perl"
    have mediainfo || missing="$missing mediainfo"
    have node || missing="$missing nodejs"
    have npm || missing="$missing npm"
    have java || missing="$missing default-jre-headless"
    have man || missing="$missing man-db"
    have zsh || missing="$missing zsh"
    have fish || missing="$missing fish"
fi

[ -z "$missing" ] && exit 0
# shellcheck disable=SC2086
packages=$(printf '%s\n' $missing | sort -u | tr '\n' ' ')

if have apt-get; then
    if [ "$(id -u)" = 0 ]; then
        sudo=""
    elif have sudo; then
        sudo="sudo"
    else
        echo "bootstrap: missing system packages: $packages" >&2
        echo "bootstrap: run as root: apt-get install -y $packages" >&2
        exit 1
    fi
    echo "bootstrap: installing $packages" >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    # shellcheck disable=SC2086
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        $packages >/dev/null
    exit 0
fi

echo "bootstrap: missing: $packages" >&2
echo "bootstrap: install them with your package manager, for example:" >&2
echo "  Fedora:  sudo dnf install ffmpeg gcc alsa-lib-devel espeak-ng python3-devel" >&2
echo "  Arch:    sudo pacman -S ffmpeg gcc alsa-lib espeak-ng" >&2
echo "  macOS:   brew install ffmpeg espeak-ng   (Xcode command line tools give the compiler)" >&2
exit 1
