import { describe, expect, test } from 'vitest';
import { editDistance, parse, suggest } from './grammar.js';

describe('Ask Vigil grammar', () => {
  test('edit distance (Levenshtein) on known pairs', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('stauts', 'status')).toBe(2);
    expect(editDistance('', 'why')).toBe(3);
    expect(editDistance('flaw', 'lawn')).toBe(2);
  });
  test('each command, plain', () => {
    expect(parse('status')).toEqual({ ok: true, verb: 'status', args: [] });
    expect(parse('status checkout')).toEqual({ ok: true, verb: 'status', args: ['checkout'] });
    expect(parse('why payments')).toEqual({ ok: true, verb: 'why', args: ['payments'] });
    expect(parse('similar 3f2a9c')).toEqual({ ok: true, verb: 'similar', args: ['3f2a9c'] });
    expect(parse('deploys payments')).toEqual({ ok: true, verb: 'deploys', args: ['payments'] });
    expect(parse('verdict payments v2')).toEqual({ ok: true, verb: 'verdict', args: ['payments', 'v2'] });
    expect(parse('flaky shop')).toEqual({ ok: true, verb: 'flaky', args: ['shop'] });
    expect(parse('risk shop-ci')).toEqual({ ok: true, verb: 'risk', args: ['shop-ci'] });
    expect(parse('explain a1b2')).toEqual({ ok: true, verb: 'explain', args: ['a1b2'] });
  });
  test('forgiving: case, filler words, mentions, punctuation, aliases, typos', () => {
    expect(parse('<@U0VIGIL> What is the STATUS of checkout please?')).toEqual({ ok: true, verb: 'status', args: ['checkout'] });
    expect(parse('WHY is payments broken')).toMatchObject({ ok: true, verb: 'why', args: ['payments'] });
    expect(parse('stauts payments')).toMatchObject({ ok: true, verb: 'status', args: ['payments'], corrected: 'stauts → status' });
    expect(parse('verdcit payments v2')).toMatchObject({ ok: true, verb: 'verdict', args: ['payments', 'v2'] });
    expect(parse('show me the deployments of payments')).toEqual({ ok: true, verb: 'deploys', args: ['payments'] });
    expect(parse('flakey tests for shop')).toMatchObject({ ok: true, verb: 'flaky', args: ['shop'] });
    expect(parse('have we seen this before on checkout?')).toEqual({ ok: true, verb: 'similar', args: ['checkout'] });
    expect(parse('explain anomaly an-42')).toEqual({ ok: true, verb: 'explain', args: ['an-42'] });
  });
  test('not understood: suggestions; missing arguments: the usage', () => {
    const r = parse('blorp the thing');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.suggestions.at(-1)).toBe('help');
    expect(parse('verdict payments')).toMatchObject({ ok: false, suggestions: ['verdict <service> <version>'] });
    expect(suggest('wy')[0]).toBe('why <service>');
    expect(parse('')).toEqual({ ok: true, verb: 'help', args: [] });
  });
});
