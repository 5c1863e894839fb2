import { describe, expect, test } from 'vitest';
import { actions, blockKitViolations, button, header, message, section } from './blocks.js';

// Limits from Slack's Block Kit reference (see blocks.ts): the checker must catch each breach,
// and the builders must never produce one.
describe('Block Kit limits', () => {
  test('the checker flags each documented limit', () => {
    const long = (k: number) => 'x'.repeat(k);
    expect(blockKitViolations(Array.from({ length: 51 }, () => ({ type: 'divider' })))).toEqual(['51 blocks > 50']);
    expect(blockKitViolations([{ type: 'section', text: { type: 'mrkdwn', text: long(3001) } }])[0]).toMatch(/text length 3001 > 3000/);
    expect(blockKitViolations([{ type: 'header', text: { type: 'plain_text', text: long(151) } }])[0]).toMatch(/header text length 151 > 150/);
    expect(blockKitViolations([{ type: 'section', text: { type: 'mrkdwn', text: 'a' }, fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }])[0]).toMatch(/11 fields > 10/);
    const btn = { type: 'button', text: { type: 'plain_text', text: long(76) }, action_id: long(256), value: long(2001) };
    expect(blockKitViolations([{ type: 'actions', elements: [btn] }])).toEqual([
      'block 0 (actions) element 0: button text length 76 (1..75)',
      'block 0 (actions) element 0: action_id length 256 > 255',
      'block 0 (actions) element 0: value length 2001 > 2000',
    ]);
    expect(blockKitViolations([{ type: 'actions', elements: [{ ...btn, text: { text: 'a' }, action_id: 'x', value: 'v' }, { ...btn, text: { text: 'b' }, action_id: 'x', value: 'v' }] }])).toEqual(['block 0 (actions): duplicate action_id']);
    expect(blockKitViolations([{ type: 'image', image_url: 'http://x', alt_text: '' }])[0]).toMatch(/alt_text length 0/);
    expect(blockKitViolations([{ type: 'rich_mystery' }])[0]).toMatch(/unexpected block type/);
  });
  test('builders clip to the limits; message keeps at most 50 blocks', () => {
    const m = message('t', [header('h'.repeat(400)), section('s'.repeat(5000)), actions([button('b'.repeat(100), 'a'.repeat(300), 'v'.repeat(3000), { confirm: { title: 't'.repeat(200), text: 'x'.repeat(400), confirm: 'c'.repeat(50) } })]),
      ...Array.from({ length: 60 }, () => section('x'))]);
    expect(m.blocks).toHaveLength(50);
    expect(blockKitViolations(m.blocks)).toEqual([]);
    expect(JSON.stringify(m.blocks.at(-1))).toContain('more blocks left out');
    // The fallback text cannot carry a mention or a link.
    expect(message('did not recognise "<!channel> & <http://x|y>"', []).text).toBe('did not recognise "&lt;!channel&gt; &amp; &lt;http://x|y&gt;"');
  });
});
