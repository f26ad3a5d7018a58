"""Language tags (BCP 47, RFC 5646): checked, put in their usual case, and, when written
wrong, what was probably meant. Pure: no registry is read, so a well-formed tag whose
language has a two-letter code must use one of ISO 639-1's; three-letter codes are taken
as written."""

from __future__ import annotations

import difflib
import re

# Every two-letter language code (ISO 639-1) with its three-letter one (ISO 639-2/T, the
# code ID3 tags take): "esspa" is es and spa. From Debian's iso-codes data.
_ISO_639 = """
aaaar ababk aeave afafr akaka amamh anarg arara asasm avava ayaym azaze babak bebel bgbul
bhbih bibis bmbam bnben bobod brbre bsbos cacat ceche chcha cocos crcre csces cuchu cvchv
cycym dadan dedeu dvdiv dzdzo eeewe elell eneng eoepo esspa etest eueus fafas ffful fifin
fjfij fofao frfra fyfry gagle gdgla glglg gngrn guguj gvglv hahau heheb hihin hohmo hrhrv
hthat huhun hyhye hzher iaina idind ieile igibo iiiii ikipk ioido isisl itita iuiku jajpn
jvjav kakat kgkon kikik kjkua kkkaz klkal kmkhm knkan kokor krkau kskas kukur kvkom kwcor
kykir lalat lbltz lglug lilim lnlin lolao ltlit lulub lvlav mgmlg mhmah mimri mkmkd mlmal
mnmon mrmar msmsa mtmlt mymya nanau nbnob ndnde nenep ngndo nlnld nnnno nonor nrnbl nvnav
nynya ococi ojoji omorm orori ososs papan pipli plpol pspus ptpor quque rmroh rnrun roron
rurus rwkin sasan scsrd sdsnd sesme sgsag sisin skslk slslv smsmo snsna sosom sqsqi srsrp
ssssw stsot susun svswe swswa tatam tetel tgtgk ththa titir tktuk tltgl tntsn toton trtur
tstso tttat twtwi tytah uguig ukukr ururd uzuzb veven vivie vovol wawln wowol xhxho yiyid
yoyor zazha zhzho zuzul"""
THREE_LETTERS = {pair[:2]: pair[2:] for pair in _ISO_639.split()}
TWO_LETTER_CODES = frozenset(THREE_LETTERS)

#: Names people write instead of a code, in English and in the language itself.
NAMES = {
    "arabic": "ar", "bengali": "bn", "catalan": "ca", "català": "ca", "chinese": "zh",
    "mandarin": "zh", "czech": "cs", "danish": "da", "dansk": "da", "dutch": "nl",
    "nederlands": "nl", "english": "en", "finnish": "fi", "suomi": "fi", "french": "fr",
    "français": "fr", "francais": "fr", "german": "de", "deutsch": "de", "greek": "el",
    "hebrew": "he", "hindi": "hi", "hungarian": "hu", "magyar": "hu", "indonesian": "id",
    "italian": "it", "italiano": "it", "japanese": "ja", "korean": "ko", "norwegian": "nb",
    "norsk": "nb", "persian": "fa", "farsi": "fa", "polish": "pl", "polski": "pl",
    "portuguese": "pt", "português": "pt", "portugues": "pt", "romanian": "ro",
    "russian": "ru", "spanish": "es", "español": "es", "espanol": "es", "castellano": "es",
    "swedish": "sv", "svenska": "sv", "thai": "th", "turkish": "tr", "türkçe": "tr",
    "ukrainian": "uk", "urdu": "ur", "vietnamese": "vi", "welsh": "cy", "cymraeg": "cy",
}  # fmt: skip

#: Country codes that are not language codes, written for the language spoken there.
COUNTRY_NOT_LANGUAGE = {
    "sp": "es", "jp": "ja", "cn": "zh", "gr": "el", "dk": "da", "cz": "cs", "ua": "uk",
    "kr": "ko", "vn": "vi", "il": "he", "gb": "en", "us": "en", "at": "de",
    "mx": "es", "ir": "fa", "in": "hi", "pk": "ur", "rs": "sr",
}  # fmt: skip

_SUBTAGS = re.compile(
    r"""(?P<language>[a-z]{2,3}(?:-[a-z]{3}){0,3})
        (?:-(?P<script>[a-z]{4}))?
        (?:-(?P<region>[a-z]{2}|\d{3}))?
        (?P<variants>(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*)
        (?P<extensions>(?:-[\da-wyz](?:-[a-z\d]{2,8})+)*)
        (?P<private>-x(?:-[a-z\d]{1,8})+)?""",
    re.VERBOSE,
)
_PRIVATE = re.compile(r"x(?:-[a-z\d]{1,8})+")


class BadLanguage(ValueError):
    """A tag that is not BCP 47, or names no language: the message says what was meant."""


def language_tag(written: str) -> str:
    """`written` as a BCP 47 tag in its usual case (es, en-GB, zh-Hant-TW, sr-Latn).

    Raises BadLanguage saying what is wrong, with what was probably meant."""
    text = written.strip()
    lowered = text.lower()
    match = _SUBTAGS.fullmatch(lowered)
    if match is None or _PRIVATE.fullmatch(lowered):
        raise BadLanguage(f"'{text}' is not a language tag{_meant(text)}")
    primary = match["language"].split("-")[0]
    if len(primary) == 2 and primary not in TWO_LETTER_CODES:
        shown = f"'{text}': '{primary}'" if primary != lowered else f"'{text}'"
        raise BadLanguage(f"{shown} is not a language code{_meant(text)}")
    parts = [match["language"]]
    if match["script"]:
        parts.append(match["script"].title())
    if match["region"]:
        parts.append(match["region"].upper())
    rest = "".join(match[name] or "" for name in ("variants", "extensions", "private"))
    return "-".join(parts) + rest


def primary_language(tag: str) -> str:
    """The language of a tag without its script, region or variants: en for en-GB."""
    return tag.split("-")[0].lower()


def same_language(first: str, second: str) -> bool:
    return primary_language(first) == primary_language(second)


def three_letter_code(tag: str) -> str:
    """The ISO 639-2 code of a tag's language, as ID3 takes it: spa for es-419."""
    primary = primary_language(tag)
    return THREE_LETTERS.get(primary, primary)


def _meant(text: str) -> str:
    """'; did you mean X?' for what a wrong tag probably meant, or nothing."""
    guess = _guess(text)
    hint = f"; did you mean '{guess}'?" if guess else ""
    return f"{hint} (a BCP 47 tag such as en, es, fr, de or en-GB)"


def _guess(text: str) -> str | None:
    lowered = text.strip().lower()
    if lowered in NAMES:
        return NAMES[lowered]
    swapped = re.sub(r"[_\s.]+", "-", lowered)
    if swapped != lowered:
        try:
            return language_tag(swapped)
        except BadLanguage:
            pass
    head = re.split(r"[-_\s.]", lowered)[0]
    if head in NAMES:
        return NAMES[head]
    close = difflib.get_close_matches(head, list(NAMES), n=1, cutoff=0.75)
    if close:
        return NAMES[close[0]]
    return COUNTRY_NOT_LANGUAGE.get(head)
