// Alert lifecycle, notifications, rollback hooks, deployment gate.
export { createAlerter } from './pipeline.js';
export type { Alerter, AlerterDeps } from './pipeline.js';
export { AlertEngine, DEPLOYMENT_RULE, toAlertRecord } from './lifecycle/engine.js';
export type { EngineOptions, ReceiverPolicy } from './lifecycle/engine.js';
export type { AlertState, NotificationIntent, RollbackRequest } from './lifecycle/types.js';
export { sign as signWebhook, verify as verifyWebhookSignature, SIGNATURE_HEADER } from './receivers/webhook/signature.js';
export { gateAnswer } from './gate/gate.js';
export type { GateAnswer } from './gate/gate.js';
export { blockKitViolations } from './slack/blocks.js';
export { slackSignature, verifySlackSignature } from './slack/signature.js';
