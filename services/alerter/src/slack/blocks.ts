// Block Kit building blocks and Slack's documented limits (Slack API reference, "Blocks" and
// "Block elements"): a message carries at most 50 blocks (a modal 100); section text ≤ 3000
// characters, ≤ 10 fields of ≤ 2000; header plain_text ≤ 150; context ≤ 10 elements; actions
// ≤ 25 elements; button text ≤ 75, action_id ≤ 255, value ≤ 2000, url ≤ 3000; image_url ≤ 3000,
// alt_text ≤ 2000; block_id ≤ 255; confirm title ≤ 100, text ≤ 300, confirm/deny ≤ 30; modal
// title and submit/close ≤ 24; option text ≤ 75, value ≤ 150. Builders clip to the limits;
// `blockKitViolations` checks a whole message (tests, and a guard before anything is posted).

export type Block = Record<string, unknown>;

const LIMITS = {
  messageBlocks: 50, modalBlocks: 100, sectionText: 3000, fields: 10, fieldText: 2000, header: 150, contextElements: 10,
  actionsElements: 25, buttonText: 75, actionId: 255, buttonValue: 2000, url: 3000, altText: 2000, blockId: 255,
  confirmTitle: 100, confirmText: 300, confirmButton: 30, modalTitle: 24, optionText: 75, optionValue: 150, messageText: 40_000,
} as const;

export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** Escape the three characters Slack's mrkdwn treats as control characters (&, <, >). */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const plain = (text: string, max: number = LIMITS.sectionText): Block => ({ type: 'plain_text', text: clip(text || ' ', max), emoji: true });
export const md = (text: string, max: number = LIMITS.sectionText): Block => ({ type: 'mrkdwn', text: clip(text || ' ', max) });
export const header = (text: string): Block => ({ type: 'header', text: plain(text, LIMITS.header) });
export const section = (text: string, fields?: string[]): Block => ({
  type: 'section', text: md(text),
  ...(fields && fields.length ? { fields: fields.slice(0, LIMITS.fields).map((f) => md(f, LIMITS.fieldText)) } : {}),
});
export const context = (...texts: string[]): Block => ({ type: 'context', elements: texts.slice(0, LIMITS.contextElements).map((t) => md(t, LIMITS.sectionText)) });
export const divider = (): Block => ({ type: 'divider' });
export const image = (url: string, alt: string, title?: string): Block => ({
  type: 'image', image_url: url, alt_text: clip(alt, LIMITS.altText), ...(title ? { title: plain(title, 2000) } : {}),
});

export interface Confirm {
  title: string;
  text: string;
  confirm: string;
  deny?: string;
  danger?: boolean;
}

export function button(text: string, actionId: string, value: string, opts: { style?: 'primary' | 'danger'; confirm?: Confirm; url?: string } = {}): Block {
  return {
    type: 'button', text: plain(text, LIMITS.buttonText), action_id: clip(actionId, LIMITS.actionId), value: clip(value, LIMITS.buttonValue),
    ...(opts.style ? { style: opts.style } : {}),
    ...(opts.url ? { url: clip(opts.url, LIMITS.url) } : {}),
    ...(opts.confirm ? {
      confirm: {
        title: plain(opts.confirm.title, LIMITS.confirmTitle), text: plain(opts.confirm.text, LIMITS.confirmText),
        confirm: plain(opts.confirm.confirm, LIMITS.confirmButton), deny: plain(opts.confirm.deny ?? 'Cancel', LIMITS.confirmButton),
        ...(opts.confirm.danger ? { style: 'danger' } : {}),
      },
    } : {}),
  };
}

export const linkButton = (text: string, url: string, actionId: string): Block => button(text, actionId, 'link', { url });
export const actions = (elements: Block[], blockId?: string): Block => ({
  type: 'actions', elements: elements.slice(0, LIMITS.actionsElements), ...(blockId ? { block_id: clip(blockId, LIMITS.blockId) } : {}),
});

/** A message as Slack takes it: fallback text plus blocks (at most 50; extra ones are dropped with a note). */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

export function message(text: string, blocks: Block[]): SlackMessage {
  const out = blocks.length <= LIMITS.messageBlocks ? blocks : [...blocks.slice(0, LIMITS.messageBlocks - 1), context(`… ${blocks.length - LIMITS.messageBlocks + 1} more blocks left out (Slack shows at most ${LIMITS.messageBlocks})`)];
  // The fallback text is plain: escaped, so text that echoes a question (or a label) cannot
  // carry a mention (<!channel>) or a link into a notification.
  return { text: clip(esc(text), LIMITS.messageText), blocks: out };
}

const len = (v: unknown): number => (typeof v === 'string' ? v.length : 0);
const txt = (o: unknown): string => {
  const text = o && typeof o === 'object' ? (o as { text?: unknown }).text : undefined;
  return typeof text === 'string' ? text : '';
};

/** Every documented limit a message or modal breaks (empty when Slack would take it). */
export function blockKitViolations(blocks: readonly Block[], surface: 'message' | 'modal' = 'message'): string[] {
  const v: string[] = [];
  const max = surface === 'message' ? LIMITS.messageBlocks : LIMITS.modalBlocks;
  if (blocks.length > max) v.push(`${blocks.length} blocks > ${max}`);
  const element = (e: Record<string, unknown>, where: string): void => {
    if (e.type === 'button') {
      if (txt(e.text).length > LIMITS.buttonText || txt(e.text).length === 0) v.push(`${where}: button text length ${txt(e.text).length} (1..${LIMITS.buttonText})`);
      if (len(e.action_id) > LIMITS.actionId) v.push(`${where}: action_id length ${len(e.action_id)} > ${LIMITS.actionId}`);
      if (len(e.value) > LIMITS.buttonValue) v.push(`${where}: value length ${len(e.value)} > ${LIMITS.buttonValue}`);
      if (len(e.url) > LIMITS.url) v.push(`${where}: url length ${len(e.url)} > ${LIMITS.url}`);
      const c = e.confirm as Record<string, unknown> | undefined;
      if (c) {
        if (txt(c.title).length > LIMITS.confirmTitle) v.push(`${where}: confirm title > ${LIMITS.confirmTitle}`);
        if (txt(c.text).length > LIMITS.confirmText) v.push(`${where}: confirm text > ${LIMITS.confirmText}`);
        if (txt(c.confirm).length > LIMITS.confirmButton || txt(c.deny).length > LIMITS.confirmButton) v.push(`${where}: confirm/deny > ${LIMITS.confirmButton}`);
      }
    }
    if (e.type === 'static_select') {
      for (const o of (e.options as Array<Record<string, unknown>> | undefined) ?? []) {
        if (txt(o.text).length > LIMITS.optionText) v.push(`${where}: option text > ${LIMITS.optionText}`);
        if (len(o.value) > LIMITS.optionValue) v.push(`${where}: option value > ${LIMITS.optionValue}`);
      }
    }
  };
  blocks.forEach((b, i) => {
    const where = `block ${i} (${String(b.type)})`;
    if (len(b.block_id) > LIMITS.blockId) v.push(`${where}: block_id > ${LIMITS.blockId}`);
    switch (b.type) {
      case 'header':
        if (txt(b.text).length > LIMITS.header) v.push(`${where}: header text length ${txt(b.text).length} > ${LIMITS.header}`);
        break;
      case 'section': {
        if (txt(b.text).length > LIMITS.sectionText) v.push(`${where}: text length ${txt(b.text).length} > ${LIMITS.sectionText}`);
        const f = (b.fields as unknown[] | undefined) ?? [];
        if (f.length > LIMITS.fields) v.push(`${where}: ${f.length} fields > ${LIMITS.fields}`);
        for (const x of f) if (txt(x).length > LIMITS.fieldText) v.push(`${where}: field length ${txt(x).length} > ${LIMITS.fieldText}`);
        if (!b.text && f.length === 0) v.push(`${where}: needs text or fields`);
        if (b.accessory) element(b.accessory as Record<string, unknown>, `${where} accessory`);
        break;
      }
      case 'context': {
        const els = (b.elements as unknown[] | undefined) ?? [];
        if (els.length === 0 || els.length > LIMITS.contextElements) v.push(`${where}: ${els.length} elements (1..${LIMITS.contextElements})`);
        break;
      }
      case 'actions': {
        const els = (b.elements as Array<Record<string, unknown>> | undefined) ?? [];
        if (els.length === 0 || els.length > LIMITS.actionsElements) v.push(`${where}: ${els.length} elements (1..${LIMITS.actionsElements})`);
        els.forEach((e, j) => element(e, `${where} element ${j}`));
        const ids = els.map((e) => e.action_id).filter(Boolean);
        if (new Set(ids).size !== ids.length) v.push(`${where}: duplicate action_id`);
        break;
      }
      case 'image':
        if (len(b.image_url) > LIMITS.url) v.push(`${where}: image_url > ${LIMITS.url}`);
        if (len(b.alt_text) === 0 || len(b.alt_text) > LIMITS.altText) v.push(`${where}: alt_text length ${len(b.alt_text)} (1..${LIMITS.altText})`);
        break;
      case 'input':
        if (txt(b.label).length > 2000) v.push(`${where}: label > 2000`);
        if (b.element) element(b.element as Record<string, unknown>, `${where} element`);
        break;
      case 'divider':
        break;
      default:
        v.push(`${where}: unexpected block type`);
    }
  });
  return v;
}
