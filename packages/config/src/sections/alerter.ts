import { z } from 'zod';
import { listenerSchema } from './common.js';

// The alerter section of vigil.yaml. Owned by services/alerter. Durations are milliseconds
// (`...Ms`). Secrets (routing keys, API keys, webhook URLs, signing secrets) are named so that
// telemetry's log redaction catches them (routingKey, apiKey, webhookUrl, signingSecret).

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const severity = z.enum(['info', 'warning', 'critical']);
const stringOrList = z.union([z.string(), z.array(z.string()).min(1)]);

/** Delivery policy of one receiver: retries, rate limit, circuit breaker, timeout. */
const deliverySchema = z
  .object({
    /** Attempts per notification before it is recorded as failed. */
    maxAttempts: z.number().int().min(1).max(50).default(6),
    /** First backoff; doubles each attempt with full jitter, capped at maxBackoffMs. */
    initialBackoffMs: z.number().int().min(1).default(500),
    maxBackoffMs: z.number().int().min(1).default(30 * SECOND),
    /** A Retry-After longer than this is capped (a receiver cannot stall the alerter for hours). */
    maxRetryAfterMs: z.number().int().min(0).default(60 * SECOND),
    timeoutMs: z.number().int().min(1).default(10 * SECOND),
    /** Token bucket: sustained requests per second and burst size. */
    ratePerSecond: z.number().positive().default(10),
    burst: z.number().int().min(1).default(20),
    /** Consecutive failed requests that open the circuit breaker, and how long it stays open. */
    breakerThreshold: z.number().int().min(1).default(5),
    breakerCooldownMs: z.number().int().min(1).default(30 * SECOND),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.maxBackoffMs < d.initialBackoffMs) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['maxBackoffMs'], message: `maxBackoffMs (${d.maxBackoffMs}) must be >= initialBackoffMs (${d.initialBackoffMs})` });
    }
  });

const receiverBase = {
  /** Referenced by rules (`receivers: [name]`). */
  name: z.string().min(1),
  delivery: deliverySchema.default({}),
};

/** PagerDuty Events API v2 (alert events) and change events for deployments and rollbacks. */
const pagerdutySchema = z
  .object({
    ...receiverBase,
    type: z.literal('pagerduty'),
    routingKey: z.string().min(1),
    url: z.string().url().default('https://events.pagerduty.com/v2/enqueue'),
    changeUrl: z.string().url().default('https://events.pagerduty.com/v2/change/enqueue'),
    /** Send change events for deployments and rollbacks. */
    changeEvents: z.boolean().default(true),
    client: z.string().default('Vigil'),
    clientUrl: z.string().optional(),
  })
  .strict();

/** Opsgenie Alert API, and Jira Service Management operations (its successor, same alert shape). */
const opsgenieSchema = z
  .object({
    ...receiverBase,
    type: z.enum(['opsgenie', 'jsm']),
    apiKey: z.string().min(1),
    /** Opsgenie: https://api.opsgenie.com (EU: https://api.eu.opsgenie.com); JSM: https://api.atlassian.com. */
    url: z.string().url().optional(),
    /** Priority per Vigil severity (P1 highest). */
    priorities: z
      .object({ critical: z.string().default('P1'), warning: z.string().default('P3'), info: z.string().default('P5') })
      .strict()
      .default({}),
    tags: z.array(z.string()).default([]),
    responders: z.array(z.object({ type: z.enum(['team', 'user', 'escalation', 'schedule']), name: z.string().optional(), id: z.string().optional() }).strict()).default([]),
  })
  .strict();

const slackSchema = z
  .object({
    ...receiverBase,
    type: z.literal('slack'),
    webhookUrl: z.string().url(),
    /** Also post repeats (reminders) while firing. */
    notifyRepeats: z.boolean().default(true),
  })
  .strict();

const webhookSchema = z
  .object({
    ...receiverBase,
    type: z.literal('webhook'),
    url: z.string().url(),
    /** HMAC-SHA256 key for `X-Vigil-Signature: t=<unix>,v1=<hex>`; unsigned when absent. */
    signingSecret: z.string().min(16).optional(),
    headers: z.record(z.string()).default({}),
  })
  .strict();

const alertmanagerSchema = z
  .object({
    ...receiverBase,
    type: z.literal('alertmanager'),
    /** Base URL, e.g. http://127.0.0.1:9093 (POST {url}/api/v2/alerts). */
    url: z.string().url(),
    /** Re-send firing alerts this often (Prometheus re-sends every minute, its default resend delay). */
    resendIntervalMs: z.number().int().min(SECOND).default(MINUTE),
    /** Extra labels on every alert (e.g. cluster). */
    labels: z.record(z.string()).default({}),
  })
  .strict();

const receiverSchema = z.discriminatedUnion('type', [
  pagerdutySchema,
  opsgenieSchema,
  slackSchema,
  webhookSchema,
  alertmanagerSchema,
]);

/** One alerting rule: which anomalies, how they group, where they go. */
const ruleSchema = z
  .object({
    name: z.string().min(1).regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only'),
    match: z
      .object({
        service: stringOrList.optional(),
        signal: z.union([z.enum(['traces', 'metrics', 'logs']), z.array(z.enum(['traces', 'metrics', 'logs']))]).optional(),
        /** Minimum severity of the anomaly (info < warning < critical). */
        severity: severity.optional(),
        /** Exact label values, e.g. { metric: error_ratio, operation: "POST /pay" }; "*" matches any present value. */
        labels: z.record(stringOrList).default({}),
      })
      .strict()
      .default({}),
    minScore: z.number().min(0).max(1).default(0),
    /** The anomaly condition must hold (anomalies keep coming) this long before the alert fires. */
    forMs: z.number().int().min(0).default(0),
    /** Labels that make one alert: anomalies with the same values share it. */
    groupBy: z.array(z.string()).min(1).default(['service', 'metric', 'operation']),
    receivers: z.array(z.string()).default([]),
    /** Severity of the alert; default: the highest severity among its anomalies. */
    severity: severity.optional(),
    repeatIntervalMs: z.number().int().min(MINUTE).optional(),
    resolveAfterMs: z.number().int().min(SECOND).optional(),
    flapWindowMs: z.number().int().min(0).optional(),
    /** rollback: also run the service's rollback hook for the deployment behind the anomaly. */
    action: z.enum(['notify', 'rollback']).default('notify'),
    /** Keep evaluating later rules after this one matched (Alertmanager's `continue`). */
    continue: z.boolean().default(false),
  })
  .strict();

const hookSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('webhook'),
      /** Service name, or "*" for every service without its own hook. */
      service: z.string().default('*'),
      url: z.string().url(),
      signingSecret: z.string().min(16).optional(),
      headers: z.record(z.string()).default({}),
      timeoutMs: z.number().int().min(1).default(30 * SECOND),
    })
    .strict(),
  z
    .object({
      type: z.literal('command'),
      service: z.string().default('*'),
      /** argv, run without a shell; deployment fields come in VIGIL_* environment variables. */
      argv: z.array(z.string()).min(1),
      timeoutMs: z.number().int().min(1).default(5 * MINUTE),
      cwd: z.string().optional(),
    })
    .strict(),
]);

/** Incident memory and feedback (packages/incidents); its records go to topics.incidents and topics.feedback. */
const incidentsSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Past incidents kept (state topic and index); the oldest go first. */
    maxIncidents: z.number().int().min(1).max(1_000_000).default(20_000),
    /** Similar incidents shown per alert, and the least similarity shown. */
    topK: z.number().int().min(0).max(20).default(3),
    /**
     * Below this the answer is "nothing similar". Chosen by cross-validation (npm run
     * eval:incidents: out of fold 11.6 % spurious suggestions, precision at 1 0.95; 0.3 showed one
     * for 91 % of alerts with no true past match).
     */
    minSimilarity: z.number().gt(0).max(1).default(0.451),
    /** Anomalies of the service this long before the alert started belong to its fingerprint. */
    correlationWindowMs: z.number().int().min(0).default(15 * MINUTE),
    /** A deployment younger than this when the alert starts is the alert's suspect change. */
    recentDeployMs: z.number().int().min(0).default(2 * HOUR),
    pagerduty: z
      .object({
        /** Secret of the PagerDuty V3 webhook subscription (X-PagerDuty-Signature); the endpoint is off without it. */
        signingSecret: z.string().min(8).optional(),
      })
      .strict()
      .default({}),
    feedback: z
      .object({
        /**
         * Apply not_anomaly feedback to incoming anomalies in the alerter too (suppressed, recorded).
         * The model's half-life and margin are the shared `feedback` section's.
         */
        apply: z.boolean().default(true),
      })
      .strict()
      .default({}),
  })
  .strict();

/**
 * "Ask Vigil": the Slack app (slash command /vigil, Events API, interactivity) served on the
 * alerter API (services/alerter/src/slack). Off unless enabled with a signingSecret.
 */
export const slackAppSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** The app's signing secret (Basic Information): every request is verified with it. */
    signingSecret: z.string().min(8).optional(),
    /** Bot token (xoxb-…) for chat.postMessage, views.open, usergroups.users.list; never logged. */
    botToken: z.string().min(1).optional(),
    /** Slack Web API base URL (tests point it at a local server). */
    apiUrl: z.string().url().default('https://slack.com/api'),
    /** The alerter API as Slack reaches it (chart image links); charts are left out without it. */
    publicUrl: z.string().url().optional(),
    /** The web console's base URL (links in answers); no links without it. */
    consoleUrl: z.string().url().optional(),
    /** Vigil's read API (query API: templates, deployments history, CI statistics) and its bearer token. */
    queryApiUrl: z.string().url().optional(),
    queryApiToken: z.string().min(1).optional(),
    /** Who may act (acknowledge, silence, not an anomaly, resolution, roll back): Slack user ids (U…) and user group ids (S…). */
    authorizedUsers: z.array(z.string().min(1)).default([]),
    authorizedGroups: z.array(z.string().min(1)).default([]),
    /** Choices offered by the silence dialog. */
    silenceDurationsMs: z.array(z.number().int().min(60_000)).min(1).max(10).default([HOUR, 4 * HOUR, 24 * HOUR]),
    /** Chart images are served this long, then forgotten. */
    chartTtlMs: z.number().int().min(60_000).default(24 * HOUR),
    /** Optional: an OpenAI-compatible chat-completions endpoint that only rephrases free text into the grammar. */
    llm: z
      .object({
        enabled: z.boolean().default(false),
        /** Base URL; POST {url}/chat/completions. */
        url: z.string().url().optional(),
        apiKey: z.string().min(1).optional(),
        model: z.string().min(1).default('gpt-4o-mini'),
        timeoutMs: z.number().int().min(100).default(5000),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.enabled && !c.signingSecret) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['signingSecret'], message: 'slack.enabled is true but slack.signingSecret is missing (every request must be verified)' });
    if (c.llm.enabled && !c.llm.url) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['llm', 'url'], message: 'slack.llm.enabled is true but slack.llm.url is missing' });
  });

export const alerterSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** The alerter's HTTP API: /metrics, silences, deployment gate. */
    api: listenerSchema(8082).default({}),
    /** Consumer group for anomalies, verdicts and deployments. */
    groupId: z.string().default('vigil-alerter'),
    /** Transactional id of the producer (state + alerts + offsets commit together). Unique per instance. */
    transactionalId: z.string().default('vigil-alerter-0'),
    /** How often timers run (for, resolve, repeat, resend, silence expiry). */
    tickIntervalMs: z.number().int().min(10).default(SECOND),
    /** Links placed in notifications. */
    links: z
      .object({
        grafanaUrl: z.string().optional(),
        apiUrl: z.string().optional(),
      })
      .strict()
      .default({}),
    defaults: z
      .object({
        repeatIntervalMs: z.number().int().min(MINUTE).default(4 * HOUR),
        /** No anomaly for this long resolves the alert. */
        resolveAfterMs: z.number().int().min(SECOND).default(5 * MINUTE),
        /** A resolved alert firing again within this window re-opens its incident without a new page. */
        flapWindowMs: z.number().int().min(0).default(15 * MINUTE),
        /** Resolved alerts are kept this long (incident numbering, flap guard), then forgotten. */
        retainResolvedMs: z.number().int().min(MINUTE).default(7 * 24 * HOUR),
      })
      .strict()
      .default({}),
    rules: z.array(ruleSchema).default([{ name: 'default', receivers: [] }]),
    receivers: z.array(receiverSchema).default([]),
    /** A failed deployment verdict: one deployment alert, which inhibits its service's symptom alerts. */
    deployments: z
      .object({
        receivers: z.array(z.string()).default([]),
        severity: severity.default('critical'),
        /** Symptom alerts of the service that started this long before the deploy are still explained by it. */
        inhibitSlackMs: z.number().int().min(0).default(MINUTE),
        /** A deployment alert with no newer deployment resolves after this long. */
        autoResolveMs: z.number().int().min(MINUTE).default(24 * HOUR),
      })
      .strict()
      .default({}),
    rollback: z
      .object({
        enabled: z.boolean().default(true),
        /** Run on every failed verdict (rules with action: rollback also trigger). */
        onFailedVerdict: z.boolean().default(true),
        /** Record what would run, run nothing. */
        dryRun: z.boolean().default(false),
        maxPerServicePerHour: z.number().int().min(0).default(2),
        /** Only deployments younger than this are rolled back. */
        maxDeploymentAgeMs: z.number().int().min(0).default(2 * HOUR),
        hooks: z.array(hookSchema).default([]),
      })
      .strict()
      .default({}),
    /** Write with transactions (state + records + consumed offsets together). */
    transactions: z.boolean().default(true),
    /** Incident memory (similar past incidents with their fixes) and operator feedback. */
    incidents: incidentsSchema.default({}),
    /** "Ask Vigil" Slack app (questions and actions from Slack). */
    slack: slackAppSchema.default({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const names = new Set<string>();
    cfg.receivers.forEach((r, i) => {
      if (names.has(r.name)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['receivers', i, 'name'], message: `duplicate receiver name "${r.name}"` });
      names.add(r.name);
    });
    const ruleNames = new Set<string>();
    cfg.rules.forEach((rule, i) => {
      if (ruleNames.has(rule.name)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['rules', i, 'name'], message: `duplicate rule name "${rule.name}"` });
      ruleNames.add(rule.name);
      rule.receivers.forEach((r, j) => {
        if (!names.has(r)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['rules', i, 'receivers', j], message: `rule "${rule.name}" names unknown receiver "${r}"` });
      });
    });
    cfg.deployments.receivers.forEach((r, j) => {
      if (!names.has(r)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['deployments', 'receivers', j], message: `unknown receiver "${r}"` });
    });
  });

export type AlerterConfig = z.infer<typeof alerterSchema>;
export type SlackAppConfig = z.infer<typeof slackAppSchema>;
