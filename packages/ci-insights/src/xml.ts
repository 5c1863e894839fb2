// A small, bounded, non-validating XML parser for test reports.
//
// Safe by construction rather than by configuration:
// - no DTD at all: `<!DOCTYPE` and `<!ENTITY` are rejected, so there are no external entities
//   (XXE) and no entity expansion (billion laughs); only the five predefined entities of
//   XML 1.0 §4.6 and numeric character references (§4.1) are decoded;
// - bounded: input length, nesting depth, element count, attributes per element and retained
//   text are capped, and the first cap hit aborts the parse with an error naming it;
// - attribute maps have no prototype, so `__proto__="x"` is just a key.
// Errors carry a stable code, a message and the line/column (1-based) where the problem starts.
// Cost: one pass over the input, O(length); memory O(elements + retained text).

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Character data directly inside the element (text and CDATA), truncated to maxTextChars. */
  text: string;
  /** Offset of the `<` that opened the element (for error positions). */
  offset: number;
}

export interface XmlLimits {
  /** Largest accepted input, in UTF-16 code units (≈ bytes for ASCII reports). */
  maxChars: number;
  maxDepth: number;
  maxElements: number;
  maxAttributes: number;
  /** Text kept per element; longer text (stack traces, logs) is truncated, not rejected. */
  maxTextChars: number;
}

export const DEFAULT_XML_LIMITS: Readonly<XmlLimits> = Object.freeze({
  maxChars: 64 * 1024 * 1024,
  maxDepth: 64,
  maxElements: 2_000_000,
  maxAttributes: 64,
  maxTextChars: 4_096,
});

export type XmlErrorCode =
  | 'too_large'
  | 'too_deep'
  | 'too_many_elements'
  | 'too_many_attributes'
  | 'doctype_forbidden'
  | 'unsupported_markup'
  | 'undefined_entity'
  | 'bad_char_ref'
  | 'malformed'
  | 'mismatched_tag'
  | 'unclosed'
  | 'no_root'
  | 'content_after_root'
  | 'duplicate_attribute';

export interface XmlErrorInfo {
  code: XmlErrorCode;
  message: string;
  line: number;
  column: number;
}

export class XmlParseError extends Error {
  override readonly name = 'XmlParseError';
  constructor(readonly info: XmlErrorInfo) {
    super(`${info.message} (line ${info.line}, column ${info.column})`);
  }
}

/** 1-based line and column of a UTF-16 offset; only computed on error paths. */
export function lineColumn(src: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, src.length);
  for (let i = 0; i < end; i++) {
    if (src.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

// XML 1.0 names, permissively: anything but whitespace and markup delimiters. Validating the
// full NameStartChar ranges buys nothing for a reader of test reports.
const NAME_RE = /[^\s<>/=!?"'&]+/y;
const WS_RE = /\s*/y;

function isLegalCodePoint(cp: number): boolean {
  // XML 1.0 §2.2 Char production.
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** Parses a whole document into its root element; throws XmlParseError. */
export function parseXml(input: string, limits: Partial<XmlLimits> = {}): XmlElement {
  const lim: XmlLimits = { ...DEFAULT_XML_LIMITS, ...limits };
  const src = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const fail = (code: XmlErrorCode, message: string, at: number): never => {
    const { line, column } = lineColumn(src, at);
    throw new XmlParseError({ code, message, line, column });
  };
  if (src.length > lim.maxChars) fail('too_large', `document is ${src.length} characters, over the limit of ${lim.maxChars}`, 0);

  const decode = (raw: string, at: number): string => {
    if (raw.indexOf('&') < 0) return raw;
    let out = '';
    let i = 0;
    for (;;) {
      const amp = raw.indexOf('&', i);
      if (amp < 0) return out + raw.slice(i);
      out += raw.slice(i, amp);
      const semi = raw.indexOf(';', amp);
      if (semi < 0 || semi - amp > 12) fail('malformed', "'&' not followed by an entity reference (escape it as &amp;)", at + amp);
      const ent = raw.slice(amp + 1, semi);
      if (ent.startsWith('#')) {
        const hex = ent[1] === 'x';
        const digits = ent.slice(hex ? 2 : 1);
        const ok = hex ? /^[0-9a-fA-F]+$/.test(digits) : /^[0-9]+$/.test(digits);
        const cp = ok ? parseInt(digits, hex ? 16 : 10) : NaN;
        if (!ok || !isLegalCodePoint(cp)) fail('bad_char_ref', `character reference &${ent}; is not a legal XML character`, at + amp);
        out += String.fromCodePoint(cp);
      } else {
        const v = PREDEFINED[ent];
        if (v === undefined) fail('undefined_entity', `entity &${ent}; is not defined (only the five XML entities are accepted; DTDs are rejected)`, at + amp);
        out += v;
      }
      i = semi + 1;
    }
  };

  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let elements = 0;
  let pos = 0;
  const n = src.length;

  const appendText = (text: string, at: number, decodeIt: boolean): void => {
    const top = stack[stack.length - 1];
    if (!top) {
      if (/\S/.test(text)) fail(root ? 'content_after_root' : 'malformed', root ? 'text after the root element' : 'text before the root element', at);
      return;
    }
    if (top.text.length >= lim.maxTextChars) return;
    const t = decodeIt ? decode(text, at) : text;
    top.text += t.slice(0, lim.maxTextChars - top.text.length);
  };

  while (pos < n) {
    const lt = src.indexOf('<', pos);
    if (lt < 0) {
      appendText(src.slice(pos), pos, true);
      pos = n;
      break;
    }
    if (lt > pos) {
      const text = src.slice(pos, lt);
      if (text.indexOf(']]>') >= 0) fail('malformed', "']]>' is not allowed in text", pos + text.indexOf(']]>'));
      appendText(text, pos, true);
    }
    const c1 = src.charCodeAt(lt + 1);
    if (c1 === 33 /* ! */) {
      if (src.startsWith('<!--', lt)) {
        const end = src.indexOf('-->', lt + 4);
        if (end < 0) fail('unclosed', 'comment is never closed (missing -->)', lt);
        pos = end + 3;
      } else if (src.startsWith('<![CDATA[', lt)) {
        const end = src.indexOf(']]>', lt + 9);
        if (end < 0) fail('unclosed', 'CDATA section is never closed (missing ]]>)', lt);
        if (stack.length === 0) fail('malformed', 'CDATA outside the root element', lt);
        appendText(src.slice(lt + 9, end), lt + 9, false);
        pos = end + 3;
      } else if (/^<!DOCTYPE/i.test(src.slice(lt, lt + 9))) {
        fail('doctype_forbidden', 'DOCTYPE declarations are not allowed (they enable external entities and entity expansion)', lt);
      } else if (src.startsWith('<!ENTITY', lt)) {
        fail('doctype_forbidden', 'ENTITY declarations are not allowed', lt);
      } else {
        fail('unsupported_markup', `unsupported markup '${src.slice(lt, lt + 10)}'`, lt);
      }
      continue;
    }
    if (c1 === 63 /* ? */) {
      // Processing instruction or the XML declaration: skipped (no semantics for test reports).
      const end = src.indexOf('?>', lt + 2);
      if (end < 0) fail('unclosed', 'processing instruction is never closed (missing ?>)', lt);
      pos = end + 2;
      continue;
    }
    if (c1 === 47 /* / */) {
      NAME_RE.lastIndex = lt + 2;
      const m = NAME_RE.exec(src);
      if (!m) fail('malformed', 'end tag without a name', lt);
      const name = m![0];
      WS_RE.lastIndex = lt + 2 + name.length;
      WS_RE.exec(src);
      const gt = WS_RE.lastIndex;
      if (src.charCodeAt(gt) !== 62) fail('malformed', `end tag </${name}> is not closed with '>'`, lt);
      const top = stack.pop();
      if (!top) fail('malformed', `end tag </${name}> without a matching start tag`, lt);
      if (top!.name !== name) {
        const open = lineColumn(src, top!.offset);
        fail('mismatched_tag', `end tag </${name}> does not match <${top!.name}> opened at line ${open.line}, column ${open.column}`, lt);
      }
      pos = gt + 1;
      continue;
    }
    // Start tag.
    NAME_RE.lastIndex = lt + 1;
    const nm = NAME_RE.exec(src);
    if (!nm || nm.index !== lt + 1) fail('malformed', "'<' not followed by a tag name (escape it as &lt;)", lt);
    const name = nm![0];
    if (root && stack.length === 0) fail('content_after_root', `second root element <${name}> (a document has exactly one)`, lt);
    if (stack.length >= lim.maxDepth) fail('too_deep', `element <${name}> nests deeper than the limit of ${lim.maxDepth}`, lt);
    if (++elements > lim.maxElements) fail('too_many_elements', `more than ${lim.maxElements} elements`, lt);
    const el: XmlElement = { name, attrs: Object.create(null) as Record<string, string>, children: [], text: '', offset: lt };
    let p = lt + 1 + name.length;
    let attrCount = 0;
    let selfClosing = false;
    for (;;) {
      WS_RE.lastIndex = p;
      WS_RE.exec(src);
      const hadWs = WS_RE.lastIndex > p;
      p = WS_RE.lastIndex;
      if (p >= n) fail('unclosed', `start tag <${name}> is never closed`, lt);
      const ch = src.charCodeAt(p);
      if (ch === 62 /* > */) { p++; break; }
      if (ch === 47 /* / */) {
        if (src.charCodeAt(p + 1) !== 62) fail('malformed', `'/' inside start tag <${name}> not followed by '>'`, p);
        selfClosing = true;
        p += 2;
        break;
      }
      if (!hadWs) fail('malformed', `attributes of <${name}> must be separated by whitespace`, p);
      NAME_RE.lastIndex = p;
      const am = NAME_RE.exec(src);
      if (!am || am.index !== p) fail('malformed', `bad character '${src[p]}' in start tag <${name}>`, p);
      const an = am![0];
      p += an.length;
      WS_RE.lastIndex = p;
      WS_RE.exec(src);
      p = WS_RE.lastIndex;
      if (src.charCodeAt(p) !== 61 /* = */) fail('malformed', `attribute ${an} of <${name}> has no '=value'`, p);
      WS_RE.lastIndex = p + 1;
      WS_RE.exec(src);
      p = WS_RE.lastIndex;
      const q = src[p];
      if (q !== '"' && q !== "'") fail('malformed', `value of attribute ${an} of <${name}> is not quoted`, p);
      const close = src.indexOf(q, p + 1);
      if (close < 0) fail('unclosed', `value of attribute ${an} of <${name}> is never closed`, p);
      const raw = src.slice(p + 1, close);
      const ltIn = raw.indexOf('<');
      if (ltIn >= 0) fail('malformed', `'<' in the value of attribute ${an} of <${name}>`, p + 1 + ltIn);
      if (++attrCount > lim.maxAttributes) fail('too_many_attributes', `<${name}> has more than ${lim.maxAttributes} attributes`, lt);
      if (Object.prototype.hasOwnProperty.call(el.attrs, an)) fail('duplicate_attribute', `attribute ${an} appears twice on <${name}>`, p);
      // Attribute-value normalisation (XML 1.0 §3.3.3): literal whitespace becomes a space.
      el.attrs[an] = decode(raw.replace(/[\t\n\r]/g, ' '), p + 1);
      p = close + 1;
    }
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root = el;
    if (!selfClosing) stack.push(el);
    pos = p;
  }
  if (stack.length > 0) {
    const top = stack[stack.length - 1];
    fail('unclosed', `element <${top.name}> is never closed`, top.offset);
  }
  if (!root) fail('no_root', 'document has no root element', 0);
  return root!;
}
