// Deployments receiver: POST /v1/deployments[/{github,gitlab,argocd,flux}] on the shared HTTP
// listener (see "Announcing deployments" in the collector README). The path (or, at
// /v1/deployments, the tool's event header) picks the shape; a configured webhook secret makes
// the tool's signature stand in for the bearer token. Answers 202 with the recorded event,
// 200 {ignored} for a payload that is no finished deployment, 400 with the reason for a malformed
// one (nothing written), 401 for a bad signature, 404 for an unknown tool path, 415 for a body that
// is not JSON, 503 + Retry-After when the bus cannot take it. Next: the deployment event sink
// (the Kafka exporter: deployments topic and in band on the spans topic).
import type { CollectorConfig } from '@vigil/config';
import type { SendResult } from '../../exporters/kafka/kafka-exporter.js';
import { ANNOUNCEMENT_SHAPES, announcementOf, selfAuthenticating, shapeOf, verifySignature } from '../../deployments/announcements.js';
import { apiDeployment, DeploymentInputError } from '../../deployments/deployment-event.js';
import type { DeploymentEvent } from '../../deployments/deployment-event.js';
import type { HttpExchange } from '../http-listener/http-listener.js';
import { mediaType } from '../http-listener/http-listener.js';
import { parseContentEncoding, readBody } from '../otlp-http/read-body.js';
import type { Receiver, ReceiverHost } from '../receiver.js';

export const DEPLOYMENTS_PATH = '/v1/deployments';
// Webhook payloads of CI/CD tools carry whole repository objects (GitHub: tens of KiB).
const MAX_DEPLOYMENT_BODY = 1024 * 1024;

export interface DeploymentsReceiverConfig {
  webhooks: CollectorConfig['deployments']['webhooks'];
}

/** Where announced deployments go; resolves once the bus acknowledged (or refused) them. */
export type DeploymentSink = (event: DeploymentEvent) => Promise<SendResult>;

export function createDeploymentsReceiver(config: DeploymentsReceiverConfig, next: DeploymentSink, host: ReceiverHost): Receiver {
  const secrets = config.webhooks;
  const { metrics, telemetry } = host;

  async function announce(x: HttpExchange): Promise<void> {
    const { req } = x;
    const declared = mediaType(req.headers['content-type']);
    if (declared !== 'json') {
      return x.refuse(415, `unsupported content type ${JSON.stringify(req.headers['content-type'] ?? '')}; use application/x-protobuf or application/json`, 'json');
    }
    const encoding = parseContentEncoding(req.headers['content-encoding']);
    if (encoding === null) return x.refuse(415, `unsupported content encoding ${JSON.stringify(req.headers['content-encoding'])}`, declared);
    const length = Number(req.headers['content-length'] ?? '-1');
    if (length > MAX_DEPLOYMENT_BODY) return x.refuse(413, `request body of ${length} bytes exceeds ${MAX_DEPLOYMENT_BODY}`, declared);
    const read = await readBody(req, encoding, MAX_DEPLOYMENT_BODY, host.limiter);
    if (!read.ok) return x.refuse(read.status, read.message, declared, read.status === 429 ? { 'retry-after': String(host.retryAfterS) } : undefined);
    host.limiter.release(read.reserved);
    const out = await handle(read.body, x.subPath, x.query, req.headers);
    x.json(out.status, out.body, out.retryAfterS);
  }

  async function handle(body: Buffer, subPath: string, query: URLSearchParams, headers: HttpExchange['req']['headers']): Promise<{ status: number; body: unknown; retryAfterS?: number }> {
    const shape = shapeOf(subPath, headers);
    if (shape === null) {
      return { status: 404, body: { code: 5, message: `no deployment endpoint at ${DEPLOYMENTS_PATH}${subPath}; use ${DEPLOYMENTS_PATH} or ${DEPLOYMENTS_PATH}/{${ANNOUNCEMENT_SHAPES.filter((s) => s !== 'plain').join(',')}}` } };
    }
    const refused = verifySignature(shape, body, headers, secrets);
    if (refused !== null) {
      telemetry.event('deployment_webhook_refused', { shape, reason: refused }, 'warn');
      return { status: 401, body: { code: 16, message: refused } };
    }
    let event: DeploymentEvent;
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch (e) {
        throw new DeploymentInputError(`invalid JSON: ${(e as Error).message}`);
      }
      const announced = announcementOf(shape, parsed, headers, query);
      if (announced.kind === 'ignored') {
        metrics.deploymentAnnouncements.inc({ shape, outcome: 'ignored' });
        return { status: 200, body: { ignored: announced.reason } };
      }
      event = apiDeployment(announced.deployment, host.now());
    } catch (e) {
      if (e instanceof DeploymentInputError) {
        metrics.deploymentAnnouncements.inc({ shape, outcome: 'invalid' });
        return { status: 400, body: { code: 3, message: e.message } };
      }
      throw e;
    }
    const sent = await next(event);
    if (sent.kind === 'acked') {
      metrics.deploymentAnnouncements.inc({ shape, outcome: 'recorded' });
      metrics.deployments.inc({ source: 'api' });
      telemetry.event('deployment_recorded', { service: event.service, version: event.version, id: event.id });
      return { status: 202, body: event };
    }
    if (sent.kind === 'permanent') return { status: 400, body: { code: 3, message: sent.reason } };
    return { status: 503, body: { code: 14, message: sent.reason }, retryAfterS: host.retryAfterS };
  }

  host.httpListener().register({
    path: DEPLOYMENTS_PATH,
    prefix: true,
    label: 'deployments',
    selfAuthenticates: (subPath, headers) => {
      const shape = shapeOf(subPath, headers);
      return shape !== null && selfAuthenticating(shape, secrets);
    },
    handle: announce,
  });
  return { type: 'deployments', start: async () => 0, stop: async () => {}, destroy: () => {} };
}
