"""Just enough PNG decoding to compare two screenshots pixel by pixel (8-bit RGB or RGBA,
not interlaced: what Chromium writes), without an imaging library."""
import struct
import zlib


def decode(png):
    """(width, height, rows): rows of (r, g, b) tuples."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, chunks, header = 8, [], None
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position:position + 8])
        data = png[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", data)
        elif kind == b"IDAT":
            chunks.append(data)
        position += 12 + length
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, f"unsupported PNG {header}"
    channels = 3 if color == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + predictor) & 0xFF
        rows.append([tuple(line[x * channels:x * channels + 3]) for x in range(width)])
        previous = line
    return width, height, rows


def difference(first, second, inset=0):
    """The share of pixels (inside `inset` pixels from the edges) that differ by more than 32 in a
    channel, and the two sizes."""
    (w1, h1, a), (w2, h2, b) = decode(first), decode(second)
    if (w1, h1) != (w2, h2):
        return 1.0, (w1, h1), (w2, h2)
    total = differing = 0
    for y in range(inset, h1 - inset):
        for x in range(inset, w1 - inset):
            total += 1
            if max(abs(p - q) for p, q in zip(a[y][x], b[y][x])) > 32:
                differing += 1
    return differing / max(total, 1), (w1, h1), (w2, h2)
