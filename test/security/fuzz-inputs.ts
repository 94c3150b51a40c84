// What the fuzzer sends: hostile text, number-like text, query strings, header values.
import fc from 'fast-check'
import { techniqueNames } from '../../src/shared/techniques.ts'

export const clientIdPattern = /^[A-Za-z0-9_-]{1,64}$/

/** `fc.oneof` with weights, as `[weight, arbitrary]` pairs. */
export function weighted<T>(...choices: [number, fc.Arbitrary<T>][]): fc.Arbitrary<T> {
  return fc.oneof(...choices.map(([weight, arbitrary]) => ({ weight, arbitrary })))
}

/**
 * Text that is, or nearly is, a number: the edges of JSON, JavaScript and Ajv's coercion. Of these,
 * only plain decimal digits in range may pass as a number in a query or header (see `isPlainInteger`).
 */
export const numberLike = fc.oneof(
  fc.constantFrom(
    ...'0 -0 +0 00 1 -1 1.0 1.5 .5 5. 0.1e1 1e3 1e400 -1e400 0x10 0b1 0o7 1_000 1,2 NaN Infinity -Infinity'.split(' '),
    ...[
      '',
      ' ',
      ' 1',
      '1 ',
      '+1',
      '0x1d',
      '1e+3',
      '0.0',
      '9007199254740991',
      '9007199254740992',
      '99999999999999999999'
    ],
    ...['null', '[]', '٣', '１']
  ),
  fc.integer().map(String),
  fc.nat({ max: 80 }).map(String),
  fc.bigInt().map(String),
  fc.double().map(String)
)

/** Hostile text: every plane, raw code units, lone surrogates, NUL, CR/LF, line separators, long runs. */
export const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('\0', '\r', '\n', '\t', ' ', '\ud800', '\udfff', '🙂', '\u2028', '\u200b', 'a') }),
  fc.tuple(fc.string({ minLength: 1, maxLength: 3 }), fc.integer({ min: 90, max: 1500 })).map(([s, n]) => s.repeat(n)),
  numberLike
)

/** A page id as the schemas want it, or nearly. */
export const clientIdLike = fc.oneof(fc.stringMatching(clientIdPattern), fc.stringMatching(/^[A-Za-z0-9_.!~ -]{0,66}$/))

/** Percent-encodes every byte but the unreserved ones; a lone surrogate goes out as U+FFFD, as from a browser. */
export function encode(text: string): string {
  const unreserved = (byte: number) => /[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte))
  return [...Buffer.from(text)].map((b) => (unreserved(b) ? String.fromCharCode(b) : `%${b.toString(16)}`)).join('')
}

/** Only what may stand unencoded in a request target. */
export const urlSafe = (text: string) => text.replace(/[^!$'()*+,\-./0-9:;=?@A-Z[\]_a-z~]/g, '')

/** Percent sequences that decode to nothing valid, or to something surprising. */
export const badPercent = fc.constantFrom(...'% %% %zz %0 %00 %FF %C0%AF %ED%A0%80 %F0%9F %E2%80%A8 +'.split(' '))

export const queryName = fc.oneof(
  fc.constantFrom('after', 'client', 'timeout', 'keepalive', 'since', 'technique', '__proto__', 'constructor'),
  fc.constantFrom('prototype', 'toString', 'after[]', 'after[0]', '__proto__[after]', 'constructor[prototype]', ''),
  anyText.map(encode)
)

export const queryValue = fc.oneof(
  fc.oneof(numberLike, clientIdLike, anyText, fc.constantFrom(...techniqueNames)).map(encode),
  fc.oneof(numberLike, anyText).map(urlSafe),
  badPercent
)

/** A whole query string: any names, repeated keys, bare keys and broken encodings. */
export const queryString = fc
  .oneof(
    fc.array(
      fc.oneof(
        fc.tuple(queryName, queryValue).map((pair) => pair.join('=')),
        queryName,
        badPercent
      ),
      {
        maxLength: 8
      }
    ),
    fc
      .tuple(queryName, fc.array(queryValue, { minLength: 2, maxLength: 5 }))
      .map(([name, values]) => values.map((value) => `${name}=${value}`))
  )
  .map((pairs) => pairs.join('&'))

/** A value for `after=` or `Last-Event-ID`, mostly number-like. */
export const cursorText = weighted([3, numberLike], [1, anyText])

/** What an HTTP client can put in a header value: tab, printable ASCII, obs-text, no edge whitespace. */
export const headerLegal = (text: string) =>
  text.replace(/[^\t\x20-\x7e\x80-\xff]/g, '').replace(/^[\t ]+|[\t ]+$/g, '')
