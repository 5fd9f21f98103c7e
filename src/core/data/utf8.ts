/**
 * Strict UTF-8 decoding for names read from archives: a name that is not valid UTF-8 (overlong forms, surrogates,
 * truncated sequences) is reported as such instead of being shown with replacement characters, so the message can
 * name the folder the user has to rename. `describeBytes` renders such a name readably for that message.
 */

/** The string the bytes encode, or null where they are not valid UTF-8. */
export function decodeUtf8Strict(bytes: Uint8Array): string | null {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b0 = bytes[i]!;
    let code: number;
    let length: number;
    if (b0 < 0x80) {
      code = b0;
      length = 1;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      code = b0 & 0x1f;
      length = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      code = b0 & 0x0f;
      length = 3;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      code = b0 & 0x07;
      length = 4;
    } else {
      return null;
    }
    if (i + length > bytes.length) return null;
    for (let k = 1; k < length; k++) {
      const b = bytes[i + k]!;
      if ((b & 0xc0) !== 0x80) return null;
      code = (code << 6) | (b & 0x3f);
    }
    // Overlong encodings, UTF-16 surrogates and code points beyond U+10FFFF are not UTF-8.
    const minimum = [0, 0, 0x80, 0x800, 0x10000][length]!;
    if (code < minimum || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return null;
    out += String.fromCodePoint(code);
    i += length;
  }
  return out;
}

/** Printable ASCII kept, every other byte as \xNN: how a name that is not UTF-8 is shown in a message. */
export function describeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return out;
}
