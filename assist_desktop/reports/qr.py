"""QR codes for the vouchers, fast enough for a campaign of thousands in one PDF.

ReportLab's encoder (``reportlab.graphics.barcode.qrencoder``) is correct but spends ~14 ms a symbol
(polynomial objects for Reed–Solomon, eight trial masks), i.e. 48 s for Yulin's 3,406 households; drawn
as a ``QrCodeWidget`` each symbol is also some 600 rectangles, and importing the barcode package pulls
in every barcode module by dynamic imports a frozen build does not see. Here what is the same for every
symbol of a version — finder, timing and alignment patterns, format and version information (ISO/IEC
18004), the order of the data modules — is laid out once per version; a symbol is then its codewords
(Reed–Solomon by table lookups in one integer register) XOR-ed into that template, one nibble at a time,
and it is drawn as one inline 1-bit image mask. About 0.1 ms a symbol. The tests check it module for
module against ReportLab's encoder. A fixed mask pattern is used: decoders read the mask from the format
information; the best-mask search only tidies the pattern.

Only the alphanumeric mode (``0-9 A-Z space $%*+-./:``) is supported, which is what a hand scanner
typing into a field ("keyboard wedge") passes through unchanged; the voucher payload is built for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import zip_longest

ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_ALNUM_VALUE = {ch: i for i, ch in enumerate(ALPHANUMERIC)}
_VALID = re.compile(r"[0-9A-Z $%*+\-./:]*")
MASK = 4  # any of the eight is valid
# Level M (~15 % of the symbol may be soiled or torn): per version, (number of blocks, codewords, data
# codewords) for each kind of block (ISO/IEC 18004 table 9).
_BLOCKS_M = (
    (1, 26, 16), (1, 44, 28), (1, 70, 44), (2, 50, 32), (2, 67, 43), (4, 43, 27), (4, 49, 31),
    (2, 60, 38, 2, 61, 39), (3, 58, 36, 2, 59, 37), (4, 69, 43, 1, 70, 44), (1, 80, 50, 4, 81, 51),
    (6, 58, 36, 2, 59, 37), (8, 59, 37, 1, 60, 38), (4, 64, 40, 5, 65, 41), (5, 65, 41, 5, 66, 42),
    (7, 73, 45, 3, 74, 46), (10, 74, 46, 1, 75, 47), (9, 69, 43, 4, 70, 44), (3, 70, 44, 11, 71, 45),
    (3, 67, 41, 13, 68, 42), (17, 68, 42), (17, 74, 46), (4, 75, 47, 14, 76, 48), (6, 73, 45, 14, 74, 46),
    (8, 75, 47, 13, 76, 48), (19, 74, 46, 4, 75, 47), (22, 73, 45, 3, 74, 46), (3, 73, 45, 23, 74, 46),
    (21, 73, 45, 7, 74, 46), (19, 75, 47, 10, 76, 48), (2, 74, 46, 29, 75, 47), (10, 74, 46, 23, 75, 47),
    (14, 74, 46, 21, 75, 47), (14, 74, 46, 23, 75, 47), (12, 75, 47, 26, 76, 48), (6, 75, 47, 34, 76, 48),
    (29, 74, 46, 14, 75, 47), (13, 74, 46, 32, 75, 47), (40, 75, 47, 7, 76, 48), (18, 75, 47, 31, 76, 48),
)
_LEVEL_M_BITS = 0b00
# Centres of the alignment patterns per version (ISO/IEC 18004 annex E).
_ALIGNMENT = (
    (), (6, 18), (6, 22), (6, 26), (6, 30), (6, 34), (6, 22, 38), (6, 24, 42), (6, 26, 46), (6, 28, 50),
    (6, 30, 54), (6, 32, 58), (6, 34, 62), (6, 26, 46, 66), (6, 26, 48, 70), (6, 26, 50, 74), (6, 30, 54, 78),
    (6, 30, 56, 82), (6, 30, 58, 86), (6, 34, 62, 90), (6, 28, 50, 72, 94), (6, 26, 50, 74, 98),
    (6, 30, 54, 78, 102), (6, 28, 54, 80, 106), (6, 32, 58, 84, 110), (6, 30, 58, 86, 114),
    (6, 34, 62, 90, 118), (6, 26, 50, 74, 98, 122), (6, 30, 54, 78, 102, 126), (6, 26, 52, 78, 104, 130),
    (6, 30, 56, 82, 108, 134), (6, 34, 60, 86, 112, 138), (6, 30, 58, 86, 114, 142), (6, 34, 62, 90, 118, 146),
    (6, 30, 54, 78, 102, 126, 150), (6, 24, 50, 76, 102, 128, 154), (6, 28, 54, 80, 106, 132, 158),
    (6, 32, 58, 84, 110, 136, 162), (6, 26, 54, 82, 110, 138, 166), (6, 30, 58, 86, 114, 142, 170),
)
QUIET_ZONE = 4  # modules of white the standard asks around the symbol


@dataclass(frozen=True)
class Symbol:
    """A QR symbol: ``size`` × ``size`` modules, rows top to bottom, each padded to whole bytes, dark = 1."""

    version: int
    size: int
    rows: bytes

    def is_dark(self, row: int, col: int) -> bool:
        stride = (self.size + 7) // 8
        return bool(self.rows[row * stride + col // 8] & (0x80 >> (col % 8)))


# --- GF(256) and Reed–Solomon -----------------------------------------------------------------------------

_EXP = [0] * 512
_LOG = [0] * 256
_x = 1
for _i in range(255):
    _EXP[_i] = _x
    _LOG[_x] = _i
    _x <<= 1
    if _x & 0x100:
        _x ^= 0x11D
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]


def _gf_mul(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


@lru_cache(maxsize=None)
def _rs_table(ec_count: int) -> tuple[int, ...]:
    """For each leading factor, the generator polynomial's coefficients times it, packed in one integer."""
    generator = [1]  # (x - α^0)(x - α^1)…(x - α^(n-1)), highest power first
    for i in range(ec_count):
        nxt = generator + [0]
        for j, g in enumerate(generator):
            nxt[j + 1] ^= _gf_mul(g, _EXP[i])
        generator = nxt
    coefficients = generator[1:]  # the leading 1 is implied
    return tuple(int.from_bytes(bytes(_gf_mul(f, c) for c in coefficients), "big") for f in range(256))


def _ec_codewords(data: bytes, ec_count: int) -> bytes:
    table = _rs_table(ec_count)
    shift = 8 * (ec_count - 1)
    keep = (1 << (8 * ec_count)) - 1
    register = 0
    for byte in data:
        register = ((register << 8) & keep) ^ table[byte ^ (register >> shift)]
    return register.to_bytes(ec_count, "big")


# --- the per-version template -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Template:
    version: int
    size: int
    stride: int  # bits per row (size rounded up to bytes)
    base: int  # function patterns and the mask over empty data, as one big integer
    blocks: tuple[tuple[int, int], ...]  # (data codewords, EC codewords) per block
    nibbles: tuple[tuple[int, ...], ...]  # per half-codeword, the XOR for each of its 16 values
    interleave: tuple[int, ...]  # placement order as indexes into data codewords + EC codewords, block by block

    @property
    def data_capacity(self) -> int:
        return sum(d for d, _ in self.blocks)


def _blocks(version: int) -> tuple[tuple[int, int], ...]:
    row = _BLOCKS_M[version - 1]
    out: list[tuple[int, int]] = []
    for k in range(0, len(row), 3):
        count, total, data = row[k:k + 3]
        out += [(data, total - data)] * count
    return tuple(out)


def _bch(value: int, generator: int, shift: int) -> int:
    """``value`` followed by the remainder of its division by ``generator`` (format and version info)."""
    rem = value << shift
    top = generator.bit_length()
    while rem.bit_length() >= top:
        rem ^= generator << (rem.bit_length() - top)
    return (value << shift) | rem


def _function_modules(version: int, mask: int) -> tuple[int, dict[tuple[int, int], bool]]:
    """The size and every function module (finder, separator, timing, alignment, format and version
    information, the dark module) with its colour."""
    n = 17 + 4 * version
    f: dict[tuple[int, int], bool] = {}
    for top, left in ((0, 0), (n - 7, 0), (0, n - 7)):  # finders with their white separators
        for r in range(-1, 8):
            for c in range(-1, 8):
                if 0 <= top + r < n and 0 <= left + c < n:
                    ring = max(abs(r - 3), abs(c - 3))
                    f[(top + r, left + c)] = ring != 2 and ring != 4
    for i in range(8, n - 8):  # timing patterns
        f[(6, i)] = f[(i, 6)] = i % 2 == 0
    centres = _ALIGNMENT[version - 1]
    for r in centres:
        for c in centres:
            if (r, c) in ((6, 6), (6, n - 7), (n - 7, 6)):  # where a finder is
                continue
            for dr in range(-2, 3):
                for dc in range(-2, 3):
                    f[(r + dr, c + dc)] = max(abs(dr), abs(dc)) != 1
    fmt = _bch((_LEVEL_M_BITS << 3) | mask, 0b10100110111, 10) ^ 0b101010000010010
    for i in range(15):
        bit = bool((fmt >> i) & 1)
        f[(i if i < 6 else i + 1 if i < 8 else n - 15 + i, 8)] = bit
        f[(8, n - i - 1 if i < 8 else 15 - i if i < 9 else 14 - i)] = bit
    f[(n - 8, 8)] = True  # the dark module
    if version >= 7:
        info = _bch(version, 0b1111100100101, 12)
        for i in range(18):
            bit = bool((info >> i) & 1)
            f[(i // 3, i % 3 + n - 11)] = f[(i % 3 + n - 11, i // 3)] = bit
    return n, f


_MASKS = {
    0: lambda r, c: (r + c) % 2 == 0, 1: lambda r, c: r % 2 == 0, 2: lambda r, c: c % 3 == 0,
    3: lambda r, c: (r + c) % 3 == 0, 4: lambda r, c: (r // 2 + c // 3) % 2 == 0,
    5: lambda r, c: (r * c) % 2 + (r * c) % 3 == 0, 6: lambda r, c: ((r * c) % 2 + (r * c) % 3) % 2 == 0,
    7: lambda r, c: ((r * c) % 3 + (r + c) % 2) % 2 == 0,
}


@lru_cache(maxsize=None)
def _template(version: int, mask: int = MASK) -> _Template:
    n, function = _function_modules(version, mask)
    stride = (n + 7) // 8 * 8
    top = n * stride - 1

    def bit(row: int, col: int) -> int:
        return 1 << (top - (row * stride + col))

    # the data modules in placement order: two-column strips from the right, up then down, past column 6
    order: list[tuple[int, int]] = []
    col, upward = n - 1, True
    while col > 0:
        if col == 6:
            col -= 1
        for r in (range(n - 1, -1, -1) if upward else range(n)):
            order += [(r, c) for c in (col, col - 1) if (r, c) not in function]
        upward, col = not upward, col - 2
    masked = _MASKS[mask]
    base = 0
    for (r, c), dark in function.items():
        if dark:
            base |= bit(r, c)
    for r, c in order:  # empty data (and the remainder bits) show the mask alone
        if masked(r, c):
            base |= bit(r, c)
    blocks = _blocks(version)
    total = sum(d + e for d, e in blocks)
    # codewords are placed interleaved: the first data codeword of every block, the second, …, then the EC
    data_at, ec_at, d_off, e_off = [], [], 0, sum(d for d, _ in blocks)
    for d, e in blocks:
        data_at.append(list(range(d_off, d_off + d)))
        ec_at.append(list(range(e_off, e_off + e)))
        d_off, e_off = d_off + d, e_off + e
    interleave = [i for group in (data_at, ec_at) for column in zip_longest(*group) for i in column if i is not None]
    positions = [bit(r, c) for r, c in order]
    nibbles = []
    for k in range(total * 2):
        four = positions[4 * k:4 * k + 4]
        nibbles.append(tuple(
            _xor_all(four[i] for i in range(4) if value & (8 >> i)) for value in range(16)))
    return _Template(version, n, stride, base, blocks, tuple(nibbles), tuple(interleave))


def _xor_all(values: object) -> int:
    out = 0
    for v in values:  # type: ignore[attr-defined]
        out ^= v
    return out


# --- encoding ---------------------------------------------------------------------------------------------


def _data_bits(text: str, version: int) -> tuple[int, int]:
    """Mode indicator, character count and the characters, as (bits, number of bits)."""
    count_bits = 9 if version < 10 else 11 if version < 27 else 13
    acc, length = 0b0010, 4
    acc, length = (acc << count_bits) | len(text), length + count_bits
    for i in range(0, len(text) - 1, 2):
        acc = (acc << 11) | (_ALNUM_VALUE[text[i]] * 45 + _ALNUM_VALUE[text[i + 1]])
        length += 11
    if len(text) % 2:
        acc, length = (acc << 6) | _ALNUM_VALUE[text[-1]], length + 6
    return acc, length


@lru_cache(maxsize=None)
def _capacity_bits(version: int) -> int:
    return 8 * sum(d for d, _ in _blocks(version))


def _version_for(text: str) -> int:
    n = len(text)
    for version in range(1, 41):
        count_bits = 9 if version < 10 else 11 if version < 27 else 13
        if 4 + count_bits + 11 * (n // 2) + 6 * (n % 2) <= _capacity_bits(version):
            return version
    raise ValueError(f"{len(text)} characters do not fit in a QR code")


def encode(text: str) -> Symbol:
    """The QR symbol of ``text`` (alphanumeric characters only), error correction level M."""
    if not _VALID.fullmatch(text):
        raise ValueError("QR payload must use only 0-9 A-Z space $%*+-./:")
    version = _version_for(text)
    t = _template(version)
    acc, length = _data_bits(text, version)
    capacity_bits = 8 * t.data_capacity
    terminator = min(4, capacity_bits - length)
    acc, length = acc << terminator, length + terminator
    if length % 8:
        acc, length = acc << (8 - length % 8), length + 8 - length % 8
    data = acc.to_bytes(length // 8, "big") + bytes((0xEC, 0x11) * t.data_capacity)[:t.data_capacity - length // 8]
    ecs, offset = [], 0
    for data_count, ec_count in t.blocks:
        ecs.append(_ec_codewords(data[offset:offset + data_count], ec_count))
        offset += data_count
    codewords = bytes(map((data + b"".join(ecs)).__getitem__, t.interleave))
    symbol = t.base
    nibbles = t.nibbles
    k = 0
    for cw in codewords:
        symbol ^= nibbles[k][cw >> 4] ^ nibbles[k + 1][cw & 15]
        k += 2
    return Symbol(version, t.size, symbol.to_bytes(t.size * t.stride // 8, "big"))


def pdf_operators(symbol: Symbol, x: float, y: float, side: float) -> str:
    """PDF content operators that paint ``symbol`` as a ``side`` × ``side`` point square with its lower
    left corner at (x, y): one inline image mask in the current fill colour (leave the quiet zone free)."""
    return (f"q {side:.2f} 0 0 {side:.2f} {x:.2f} {y:.2f} cm "
            f"BI /W {symbol.size} /H {symbol.size} /IM true /BPC 1 /D [1 0] /F /AHx ID\n"
            f"{symbol.rows.hex()}>\nEI Q")
