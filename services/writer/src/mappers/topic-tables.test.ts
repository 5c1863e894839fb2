// The topic catalogue of @vigil/config says which tables each topic lands in; rowsFor decides it.
// This keeps the two equal: a record of every schema a topic carries is mapped, and the tables
// it lands in must be exactly the ones the catalogue lists.
import { describe, expect, test } from 'vitest';
import { TOPIC_KEYS, TOPICS } from '@vigil/config';
import { exampleRecords, RECORD_SCHEMAS } from '@vigil/records';
import type { RecordSchema } from '@vigil/records';
import { rowsFor } from './rows.js';

describe('topic catalogue ↔ writer tables', () => {
  const examples = exampleRecords();

  test.each(TOPIC_KEYS.filter((k) => Array.isArray(TOPICS[k].records)))('%s: the records it carries land in exactly the tables the catalogue lists', (key) => {
    const schemas = TOPICS[key].records as readonly RecordSchema[];
    const tables = new Set(schemas.flatMap((s) => rowsFor(examples[s]).map((r) => r.table)));
    expect([...tables].sort()).toEqual([...(TOPICS[key].tables as readonly string[])].sort());
  });

  test('every record schema travels on exactly one topic', () => {
    const carriers = (s: RecordSchema) => TOPIC_KEYS.filter((k) => {
      const records: 'otlp' | 'state' | readonly RecordSchema[] = TOPICS[k].records;
      return Array.isArray(records) && records.includes(s);
    });
    for (const s of RECORD_SCHEMAS) expect({ schema: s, topics: carriers(s) }).toEqual({ schema: s, topics: [expect.any(String)] });
  });
});
