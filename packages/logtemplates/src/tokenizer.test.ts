import { describe, expect, it } from 'vitest';
import { templateText, tokenize } from './tokenizer.js';

const masked = (s: string): string => {
  const t = tokenize(s);
  return templateText(t.tokens, t.glue);
};

describe('tokenize', () => {
  it('masks variables by shape', () => {
    expect(masked('Received block blk_-1608 of size 91178 from /10.250.10.6')).toBe('Received block blk_<*> of size <*> from <*>');
    expect(masked('connect to 10.0.0.1:8080 failed after 250ms')).toBe('connect to <*> failed after <*>');
    expect(masked('GET https://example.com/a?b=1 took 3 sec')).toBe('GET <*> took <*>');
    expect(masked('id 123e4567-e89b-12d3-a456-426614174000 at 0xdeadbeef')).toBe('id <*> at <*>');
    expect(masked('host proxy.cse.cuhk.edu.hk:5070 and wpad:80')).toBe('host <*> and <*>');
    expect(masked('mac FF:F2:9F:16:E2:23 seen')).toBe('mac <*> seen');
    expect(masked('at Fri Jul  1 07:57:30 2005')).toBe('at <*>');
    expect(masked('loading ./runtime_malloc from C:\\Windows\\x.dll')).toBe('loading <*> from C:<*>');
  });

  it('splits where punctuation binds values to words', () => {
    expect(masked('session opened for user root by (uid=509)')).toBe('session opened for user root by (uid=<*>)');
    expect(masked('[HRESULT = 0x800f080d - CBS_E_INVALID]')).toBe('[HRESULT = <*> - CBS_E_INVALID]');
    expect(masked('generating core.2275')).toBe('generating core.<*>');
  });

  it('drops annotations made only of variables and collapses variable lists', () => {
    expect(masked('close, 1165 bytes (1.13 KB) sent, 783 bytes received')).toBe(masked('close, 0 bytes sent, 12 bytes received'));
    expect(masked('REPORT : 7013 5007 150218 240')).toBe('REPORT : <*>');
  });

  it('bounds the tokens read per line', () => {
    const t = tokenize('w '.repeat(1000), 16);
    expect(t.tokens.length).toBe(17);
    expect(t.tokens[16]).toBe('<*>');
  });
});

describe('tokenize: values of changing shape', () => {
  const quoted = (s: string): string => {
    const t = tokenize(s, 128, true);
    return templateText(t.tokens, t.glue);
  };
  it('masks URL paths with query strings, relative paths, indexed names, JSON and maps', () => {
    expect(masked('"GET /v2/servers/detail?limit=10&marker=ab HTTP/1.1" 200')).toBe('"GET <*> HTTP/<*>" <*>');
    expect(masked('open conf/app/site.xml now')).toBe('open <*> now');
    expect(masked('open I/O port')).toBe('open I/O port');
    expect(masked('synchronized to LOCAL(0), stratum 10')).toBe('synchronized to <*>, stratum <*>');
    expect(masked('chdir(pwd) failed')).toBe('chdir(pwd) failed');
    expect(masked('payload={"a":1,"b":{"c":"x y"}} sent')).toBe('payload=<*> sent');
    expect(masked('labels {env=prod, zone=a} set')).toBe('labels <*> set');
    expect(masked('from /LOCAL(0) ok')).toBe('from <*> ok');
  });
  it('masks quoted free text (with spaces, or empty) but keeps quoted records with values', () => {
    expect(quoted('key "alpha beta" missing')).toBe('key "<*>" missing');
    expect(quoted('tag="View Lock", name=x')).toBe('tag="<*>", name=x');
    expect(quoted('key "" missing')).toBe('key "<*>" missing');
    expect(quoted('key "alpha" missing')).toBe('key "alpha" missing');
    expect(quoted('10.0.0.1 "GET /a/b HTTP/1.1" ok')).toBe('<*> "GET <*> HTTP/<*>" ok');
    expect(masked('key "alpha beta" missing')).toBe('key "alpha beta" missing');
  });
});

describe('tokenize: lists and qualified names', () => {
  it('collapses a repeated item holding a variable into one (lists vary in length)', () => {
    expect(masked('delete blk_-1 blk_2 blk_3 now')).toBe('delete blk_<*> now');
    expect(masked('nodesets node-31 0x1f <ok> node-0 0xfe <ok> node-1 0xfe <ok>')).toBe('nodesets node-<*> <*> <ok>');
    expect(masked('very very good')).toBe('very very good');
  });
  it('masks qualified names only when enabled', () => {
    const q = (s: string): string => {
      const t = tokenize(s, 128, false, true);
      return templateText(t.tokens, t.glue);
    };
    expect(q('received broadcast android.intent.action.TIME_TICK')).toBe('received broadcast <*>');
    expect(masked('received broadcast android.intent.action.TIME_TICK')).toBe('received broadcast android.intent.action.TIME_TICK');
    expect(q('see a..b and e.g. here')).toBe('see a..b and e.g. here');
  });
});
