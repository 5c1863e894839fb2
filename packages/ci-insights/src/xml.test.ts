import { describe, expect, it } from 'vitest';
import { XmlParseError, parseXml } from './xml.js';
import type { XmlErrorInfo } from './xml.js';

function errorOf(xml: string, limits = {}): XmlErrorInfo {
  try {
    parseXml(xml, limits);
  } catch (e) {
    if (e instanceof XmlParseError) return e.info;
    throw e;
  }
  throw new Error('expected a parse error');
}

describe('parseXml', () => {
  it('parses elements, attributes, entities, CDATA and comments', () => {
    const root = parseXml('\uFEFF<?xml version="1.0"?>\n<!-- c --><a x="1 &lt; 2" y=\'&#65;&#x42;\'><b>t &amp; u</b><b><![CDATA[<raw & text>]]></b><c/></a>\n');
    expect(root.name).toBe('a');
    expect(root.attrs['x']).toBe('1 < 2');
    expect(root.attrs['y']).toBe('AB');
    expect(root.children.map((c) => c.name)).toEqual(['b', 'b', 'c']);
    expect(root.children[0].text).toBe('t & u');
    expect(root.children[1].text).toBe('<raw & text>');
  });

  it('keeps __proto__ as a plain attribute', () => {
    const root = parseXml('<a __proto__="x" constructor="y"/>');
    expect(root.attrs['__proto__']).toBe('x');
    expect(Object.getPrototypeOf(root.attrs)).toBeNull();
  });

  it('rejects a DOCTYPE (billion laughs) with its position', () => {
    const bomb = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n <!ENTITY lol2 "&lol;&lol;&lol;&lol;">\n]>\n<lolz>&lol2;</lolz>`;
    const e = errorOf(bomb);
    expect(e.code).toBe('doctype_forbidden');
    expect([e.line, e.column]).toEqual([2, 1]);
  });

  it('rejects an external entity declaration (XXE) and undefined entities', () => {
    expect(errorOf('<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>').code).toBe('doctype_forbidden');
    const e = errorOf('<r>\n  &xxe;</r>');
    expect(e.code).toBe('undefined_entity');
    expect([e.line, e.column]).toEqual([2, 3]);
    expect(e.message).toContain('&xxe;');
  });

  it('names mismatched tags with both positions', () => {
    const e = errorOf('<a>\n <b>\n </a>');
    expect(e.code).toBe('mismatched_tag');
    expect([e.line, e.column]).toEqual([3, 2]);
    expect(e.message).toContain('<b> opened at line 2, column 2');
  });

  it.each([
    ['<a>', 'unclosed'],
    ['<a x=1/>', 'malformed'],
    ['<a x="1" x="2"/>', 'duplicate_attribute'],
    ['<a/><b/>', 'content_after_root'],
    ['<a/>text', 'content_after_root'],
    ['', 'no_root'],
    ['<a>&#0;</a>', 'bad_char_ref'],
    ['<a>1 & 2</a>', 'malformed'],
    ['<a x="<"/>', 'malformed'],
    ['<a><!-- never closed</a>', 'unclosed'],
  ])('rejects %j as %s', (xml, code) => {
    expect(errorOf(xml).code).toBe(code);
  });

  it('enforces the depth, size, element and attribute limits', () => {
    const deep = '<a>'.repeat(100) + '</a>'.repeat(100);
    const d = errorOf(deep, { maxDepth: 64 });
    expect(d.code).toBe('too_deep');
    expect(d.message).toContain('64');
    expect(errorOf('<a>' + 'x'.repeat(200) + '</a>', { maxChars: 100 }).code).toBe('too_large');
    expect(errorOf('<a>' + '<b/>'.repeat(11) + '</a>', { maxElements: 10 }).code).toBe('too_many_elements');
    expect(errorOf('<a p="1" q="2" r="3"/>', { maxAttributes: 2 }).code).toBe('too_many_attributes');
  });

  it('truncates long text instead of holding it all', () => {
    const root = parseXml(`<a>${'y'.repeat(10_000)}</a>`, { maxTextChars: 100 });
    expect(root.text.length).toBe(100);
  });
});
