"""The encoder streams PCM through a real ffmpeg into MP3, OGG, FLAC and WAV files."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import wave
from pathlib import Path

import numpy as np
import pytest

from player.common.errors import MeditateError
from player.output.encoder import SUPPORTED_FORMATS, format_for, open_encoder

RATE = 44100
REPO = Path(__file__).resolve().parents[1]


def sine_pcm(seconds: float) -> bytes:
    """Interleaved s16le stereo: 440 Hz on the left, 660 Hz on the right."""
    t = np.arange(round(seconds * RATE)) / RATE
    left = np.sin(2 * np.pi * 440 * t)
    right = np.sin(2 * np.pi * 660 * t)
    return (np.stack([left, right], axis=1) * 12000).astype("<i2").tobytes()


def encode(path: Path, fmt: str, pcm: bytes, chunk: int = 17_640) -> None:
    with open_encoder(path, fmt) as encoder:
        for start in range(0, len(pcm), chunk):
            encoder.write(memoryview(pcm)[start : start + chunk])


def ffprobe(path: Path) -> dict:
    command = ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)]
    return json.loads(subprocess.run(command, capture_output=True, check=True).stdout)


def decode(path: Path) -> bytes:
    command = ["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "2", "-"]
    return subprocess.run(command, capture_output=True, check=True).stdout


@pytest.mark.parametrize(
    ("fmt", "codec"),
    [("mp3", "mp3"), ("ogg", "vorbis"), ("flac", "flac"), ("wav", "pcm_s16le")],
)
def test_streamed_pcm_becomes_a_file_of_the_asked_format(tmp_path: Path, fmt: str, codec: str):
    # A temporary-looking name: the format comes from `fmt`, not from the path.
    path = tmp_path / f".out.1234-abcd.meditate-partial.{fmt}"
    encode(path, fmt, sine_pcm(3.0))

    info = ffprobe(path)
    (stream,) = info["streams"]
    assert stream["codec_name"] == codec
    assert int(stream["sample_rate"]) == RATE
    assert stream["channels"] == 2
    assert float(info["format"]["duration"]) == pytest.approx(3.0, abs=0.05)


def test_mp3_is_constant_bitrate_at_the_asked_rate(tmp_path: Path):
    path = tmp_path / "out.mp3"
    with open_encoder(path, "mp3", bitrate="192k") as encoder:
        encoder.write(sine_pcm(3.0))

    assert int(ffprobe(path)["streams"][0]["bit_rate"]) == 192_000
    assert path.read_bytes()[:3] != b"ID3"  # ffmpeg wrote no tag; mutagen writes it later


def test_mp3_records_its_encoder_delay_so_decoding_gives_back_every_sample(tmp_path: Path):
    pcm = sine_pcm(3.0)
    path = tmp_path / "out.mp3"
    encode(path, "mp3", pcm)

    assert len(decode(path)) == len(pcm)


@pytest.mark.parametrize("fmt", ["wav", "flac"])
def test_lossless_formats_hold_exactly_the_samples_written(tmp_path: Path, fmt: str):
    pcm = sine_pcm(3.0)
    path = tmp_path / f"out.{fmt}"
    encode(path, fmt, pcm, chunk=10_007)  # chunks need not hold whole frames

    assert decode(path) == pcm


def test_wav_header_is_correct_for_pythons_wave_module(tmp_path: Path):
    pcm = sine_pcm(3.0)
    path = tmp_path / "out.wav"
    encode(path, "wav", pcm)

    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (2, 2, RATE)
        assert wav.getnframes() == 3 * RATE
        assert wav.readframes(wav.getnframes()) == pcm


def test_same_pcm_gives_the_same_bytes(tmp_path: Path):
    pcm = sine_pcm(1.0)
    for fmt in SUPPORTED_FORMATS.values():
        encode(tmp_path / f"a.{fmt}", fmt, pcm)
        encode(tmp_path / f"b.{fmt}", fmt, pcm)
        assert (tmp_path / f"a.{fmt}").read_bytes() == (tmp_path / f"b.{fmt}").read_bytes(), fmt


def test_output_in_a_missing_folder_is_a_clear_error(tmp_path: Path):
    missing = tmp_path / "no-such-folder"
    with pytest.raises(MeditateError, match=r"folder .*no-such-folder does not exist"):
        open_encoder(missing / "out.mp3", "mp3")


def test_missing_ffmpeg_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MeditateError, match=r"ffmpeg not found: install it \(Debian: sudo apt"):
        open_encoder(tmp_path / "out.mp3", "mp3")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["mp3", "ogg", "flac", "wav"])
def test_a_full_disk_is_reported_as_such(fmt: str):
    # /dev/full refuses every write with ENOSPC. ffmpeg 5.1 exits 0 after failing to write the
    # trailer unless told -xerror: this proves the failure is not lost.
    with (
        pytest.raises(MeditateError, match=r"^disk full while writing out\.\w+: free some space"),
        open_encoder(Path("/dev/full"), fmt, name=f"out.{fmt}") as encoder,
    ):
        encoder.write(sine_pcm(1.0))


def test_the_file_size_limit_is_reported_as_such(tmp_path: Path):
    script = tmp_path / "write.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import sys
            from pathlib import Path
            sys.path.insert(0, {str(REPO)!r})
            from player.output.encoder import open_encoder
            from player.common.errors import MeditateError
            try:
                with open_encoder(Path("out.wav"), "wav") as encoder:
                    for _ in range(100):
                        encoder.write(bytes(44100 * 4))
            except MeditateError as error:
                print(error)
                sys.exit(3)
            """
        )
    )
    # ulimit -f counts 1024-byte blocks: ffmpeg is stopped by SIGXFSZ after 100 KiB.
    result = subprocess.run(
        ["bash", "-c", f'ulimit -f 100; exec "{sys.executable}" write.py'],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 3, result.stderr
    assert result.stdout.strip() == (
        "file size limit reached while writing out.wav (see `ulimit -f`): raise the limit"
    )


def test_an_error_in_the_block_stops_ffmpeg_and_propagates(tmp_path: Path):
    with pytest.raises(RuntimeError), open_encoder(tmp_path / "out.wav", "wav") as encoder:
        encoder.write(sine_pcm(0.5))
        raise RuntimeError("renderer failed")
    assert encoder._process.returncode == -signal.SIGKILL  # stopped, not left running


def test_format_for_reads_the_suffix_in_any_case():
    assert format_for(Path("calm.mp3")) == "mp3"
    assert format_for(Path("calm.OGG")) == "ogg"
    assert format_for(Path("a/b/calm.flac")) == "flac"
    assert format_for(Path("calm.Wav")) == "wav"


@pytest.mark.parametrize(
    ("name", "said"), [("calm.m4a", "calm.m4a has '.m4a'"), ("calm", "calm has no suffix")]
)
def test_format_for_names_the_suffix_and_the_supported_ones(name: str, said: str):
    with pytest.raises(MeditateError) as raised:
        format_for(Path(name))
    assert str(raised.value) == f"{said}: export writes .mp3, .ogg, .flac, .wav"
