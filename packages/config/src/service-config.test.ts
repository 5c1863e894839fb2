import { describe, expect, expectTypeOf, test } from 'vitest';
import { parseConfig } from './load.js';
import { alerterConfigOf, collectorConfigOf, detectorConfigOf, rekeyConfigOf, writerConfigOf } from './service-config.js';
import type { AlerterServiceConfig, DetectorServiceConfig, WriterServiceConfig } from './service-config.js';

describe('service sections', () => {
  const config = parseConfig({ detector: { windowMs: 5000 }, rekey: { enabled: false } });

  test('each service is given its own section and the shared ones it reads, nothing else', () => {
    expect(Object.keys(collectorConfigOf(config)).sort()).toEqual(['collector', 'topics']);
    expect(Object.keys(rekeyConfigOf(config)).sort()).toEqual(['rekey', 'topics']);
    expect(Object.keys(detectorConfigOf(config)).sort()).toEqual(['detector', 'feedback', 'rekey', 'topics']);
    expect(Object.keys(alerterConfigOf(config)).sort()).toEqual(['alerter', 'feedback', 'topics']);
    expect(Object.keys(writerConfigOf(config)).sort()).toEqual(['topics', 'writer']);
    // Of the rekey section the detector learns only whether it runs.
    expect(detectorConfigOf(config).rekey).toEqual({ enabled: false });
    expect(detectorConfigOf(config).detector.windowMs).toBe(5000);
    expect(Object.isFrozen(detectorConfigOf(config))).toBe(true);
  });

  test('the types carry no other service section', () => {
    expectTypeOf<DetectorServiceConfig>().not.toHaveProperty('alerter');
    expectTypeOf<DetectorServiceConfig>().not.toHaveProperty('writer');
    expectTypeOf<AlerterServiceConfig>().not.toHaveProperty('detector');
    expectTypeOf<WriterServiceConfig>().not.toHaveProperty('alerter');
    expectTypeOf<DetectorServiceConfig['rekey']>().toEqualTypeOf<{ enabled: boolean }>();
  });
});
