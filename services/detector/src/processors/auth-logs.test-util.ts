// Test input shared by the template-aliasing tests (processor and real broker): one OTLP logs
// request of the service `auth` at `version`, one record per [body, severityNumber] line, a
// millisecond apart from `timeMs` on.
import { encodeLogs } from '@vigil/otlp';
import type { ExportLogsServiceRequest } from '@vigil/otlp';

const MS = 1_000_000n;
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

export function authLogs(version: string, timeMs: number, lines: Array<[string, number]>): Uint8Array {
  const req: ExportLogsServiceRequest = {
    resourceLogs: [{
      resource: { attributes: [str('service.name', 'auth'), str('service.version', version)], droppedAttributesCount: 0, entityRefs: [] },
      scopeLogs: [{
        scope: { name: 'app', version: '1', attributes: [], droppedAttributesCount: 0 },
        logRecords: lines.map(([body, severityNumber], k) => ({
          timeUnixNano: BigInt(timeMs + k) * MS, observedTimeUnixNano: BigInt(timeMs + k) * MS, severityNumber,
          severityText: severityNumber >= 17 ? 'ERROR' : 'INFO', body: { stringValue: body }, attributes: [],
          droppedAttributesCount: 0, flags: 0, traceId: new Uint8Array(0), spanId: new Uint8Array(0), eventName: '',
        })),
        schemaUrl: '',
      }],
      schemaUrl: '',
    }],
  };
  return encodeLogs(req);
}
