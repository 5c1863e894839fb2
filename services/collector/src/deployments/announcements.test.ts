// Deployment announcements in the shapes CI/CD tools send (issue 15, point 2), through the real
// OTLP/HTTP receiver onto the deployments topic: one test per shape with the tool's documented
// example payload (fixtures/README.md names the sources), the signatures where the tool signs,
// "ignored" answers for what is no finished deployment, and a clear 400 that stores nothing.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentIdFor } from '@vigil/records';
import { readTopic, startHarness } from '../testing/harness.test-util.js';
import type { Harness } from '../testing/harness.test-util.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const NOW = 1_700_000_000_000; // the harness clock

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('POST /v1/deployments: short keys, the OpenTelemetry vocabulary and the tools\' payloads', () => {
  let h: Harness;
  const auth = { authorization: 'Bearer vigil-test-token-0123' };
  beforeAll(async () => { h = await startHarness({ http: { auth: { bearerTokens: ['vigil-test-token-0123'] } } }); });
  afterAll(async () => { await h.close(); });
  const events = async (service: string) => (await readTopic(h.bus, 'vigil_deployments', 1, 300))
    .map((r) => JSON.parse(r.value!.toString()) as Record<string, unknown>).filter((e) => e.service === service);

  it('short keys with namespace: the service is named namespace/name, as the telemetry names it', async () => {
    const res = await post(`${h.http}/v1/deployments`, JSON.stringify({ service: 'inventory', namespace: 'shop', version: '4.2.0', environment: 'prod' }), auth);
    expect(res.status).toBe(202);
    const [e] = await events('shop/inventory');
    expect(e).toMatchObject({ service: 'shop/inventory', version: '4.2.0', environment: 'prod', source: 'api', timeMs: NOW, id: deploymentIdFor('shop/inventory', '4.2.0') });
  });

  it('the OpenTelemetry resource vocabulary (a plain curl from any pipeline)', async () => {
    const res = await post(`${h.http}/v1/deployments`, JSON.stringify({
      'service.name': 'cart', 'service.namespace': 'shop', 'service.version': '7.1', 'deployment.environment.name': 'staging',
      'vcs.ref.head.revision': '9fceb02d0ae598e95dc970b74767f19372d61af8', 'vcs.repository.url.full': 'https://git.example/shop/cart',
      'vcs.ref.head.name': 'main', time: '2026-12-01T10:00:00Z',
    }), auth);
    expect(res.status).toBe(202);
    const [e] = await events('shop/cart');
    expect(e).toMatchObject({
      version: '7.1', environment: 'staging', commit: '9fceb02d0ae598e95dc970b74767f19372d61af8', timeMs: Date.parse('2026-12-01T10:00:00Z'),
      links: [{ name: 'repository', url: 'https://git.example/shop/cart' }],
    });
    // The older attribute name is accepted too.
    expect((await post(`${h.http}/v1/deployments`, JSON.stringify({ 'service.name': 'ledger', 'service.version': '1', 'deployment.environment': 'prod' }), auth)).status).toBe(202);
    expect((await events('ledger'))[0]).toMatchObject({ environment: 'prod' });
  });

  it('an unknown key is a 400 that names the accepted keys, and nothing is stored; disagreeing keys too', async () => {
    const before = (await readTopic(h.bus, 'vigil_deployments', 1, 300)).length;
    const res = await post(`${h.http}/v1/deployments`, JSON.stringify({ service: 'search', version: '2', team: 'core' }), auth);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^unknown key "team"; accepted keys: service, service\.name, namespace, service\.namespace, version, service\.version, /);
    const clash = await post(`${h.http}/v1/deployments`, JSON.stringify({ service: 'search', 'service.name': 'find', version: '2' }), auth);
    expect(clash).toMatchObject({ status: 400, body: { message: '"service" and "service.name" disagree: "search" vs "find"' } });
    expect((await post(`${h.http}/v1/deployments`, JSON.stringify({ 'service.name': 'search' }), auth)).body.message).toBe('"version (or service.version)" is required');
    expect((await readTopic(h.bus, 'vigil_deployments', 1, 300)).length).toBe(before);
    expect(await events('search')).toEqual([]);
    expect(await events('find')).toEqual([]);
  });

  it('GitHub deployment_status (documented example): the success is a deployment of the commit; by path or by X-GitHub-Event', async () => {
    const res = await post(`${h.http}/v1/deployments/github`, fixture('github-deployment-status.json'), { ...auth, 'x-github-event': 'deployment_status' });
    expect(res.status).toBe(202);
    const sha = 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e';
    const [e] = await events('Hello-World');
    expect(e).toMatchObject({
      service: 'Hello-World', version: sha, commit: sha, environment: 'production', timeMs: Date.parse('2019-05-15T15:20:55Z'), source: 'api',
      links: [{ name: 'repository', url: 'https://github.com/Codertocat/Hello-World' }],
    });
    // The same delivery at /v1/deployments, recognised by its header; ?service= names it as the telemetry does.
    const byHeader = await post(`${h.http}/v1/deployments?service=hello&namespace=octo`, fixture('github-deployment-status.json'), { ...auth, 'x-github-event': 'deployment_status' });
    expect(byHeader).toMatchObject({ status: 202, body: { service: 'octo/hello', version: sha, environment: 'production' } });
    // A version the workflow put in the deployment payload wins over the sha.
    const withPayload = JSON.parse(fixture('github-deployment-status.json')) as { deployment: { payload: Record<string, string> } };
    withPayload.deployment.payload = { 'service.name': 'web', 'service.namespace': 'shop', version: 'v3.4.5' };
    expect((await post(`${h.http}/v1/deployments/github?service=ignored`, JSON.stringify(withPayload), { ...auth, 'x-github-event': 'deployment_status' })).body)
      .toMatchObject({ service: 'shop/web', version: 'v3.4.5', commit: sha });
  });

  it('GitHub: a status still queued or in progress, a failure, and a ping are answered 200 "ignored"', async () => {
    for (const state of ['queued', 'in_progress', 'pending', 'failure', 'error', 'inactive']) {
      const p = JSON.parse(fixture('github-deployment-status.json')) as { deployment_status: { state: string }; repository: { name: string } };
      p.deployment_status.state = state;
      p.repository.name = `never-${state}`;
      const res = await post(`${h.http}/v1/deployments/github`, JSON.stringify(p), { ...auth, 'x-github-event': 'deployment_status' });
      expect(res).toEqual({ status: 200, body: { ignored: `deployment_status state "${state}" is not a finished deployment` } });
      expect(await events(`never-${state}`)).toEqual([]);
    }
    const ping = await post(`${h.http}/v1/deployments/github`, JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 }), { ...auth, 'x-github-event': 'ping' });
    expect(ping).toEqual({ status: 200, body: { ignored: 'ping: webhook reachable' } });
  });

  it('GitLab deployment event (documented example): the commit of commit_url; running is ignored', async () => {
    const res = await post(`${h.http}/v1/deployments/gitlab?service=webhooks-demo`, fixture('gitlab-deployment.json'), { ...auth, 'x-gitlab-event': 'Deployment Hook' });
    expect(res.status).toBe(202);
    const [e] = await events('webhooks-demo');
    expect(e).toMatchObject({
      version: '279484c09fbe69ededfced8c1bb6e6d24616b468', commit: '279484c09fbe69ededfced8c1bb6e6d24616b468', environment: 'staging',
      timeMs: Date.parse('2021-04-28T19:50:00Z'),
    });
    expect(e.links).toContainEqual({ name: 'job', url: 'http://10.126.0.2:3000/demo/test-deployment-webhooks/-/jobs/796' });
    // By its header at /v1/deployments; ?version=ref: the deployed tag is the version; without ?service= the project's name.
    const tagged = await post(`${h.http}/v1/deployments?version=ref`, fixture('gitlab-deployment.json'), { ...auth, 'x-gitlab-event': 'Deployment Hook' });
    expect(tagged).toMatchObject({ status: 202, body: { service: 'test-deployment-webhooks', version: '1.0.0', commit: '279484c09fbe69ededfced8c1bb6e6d24616b468' } });
    const running = fixture('gitlab-deployment.json').replace('"status": "success"', '"status": "running"');
    expect(await post(`${h.http}/v1/deployments/gitlab`, running, { ...auth, 'x-gitlab-event': 'Deployment Hook' }))
      .toEqual({ status: 200, body: { ignored: 'deployment status "running" is not a finished deployment' } });
  });

  it('Argo CD notification with the documented template: the synced revision of the application', async () => {
    const res = await post(`${h.http}/v1/deployments/argocd?environment=prod`, fixture('argocd-webhook.json'), auth);
    expect(res.status).toBe(202);
    const [e] = await events('guestbook');
    expect(e).toMatchObject({
      version: '53e28ff20cc530b9ada2173fbbd64d48338583ba', commit: '53e28ff20cc530b9ada2173fbbd64d48338583ba', environment: 'prod',
      timeMs: Date.parse('2023-05-02T10:21:35Z'),
      links: [{ name: 'argocd', url: 'https://argocd.example.com/applications/guestbook' }, { name: 'repository', url: 'https://github.com/argoproj/argocd-example-apps.git' }],
    });
    const failed = fixture('argocd-webhook.json').replace('"Succeeded"', '"Failed"');
    expect((await post(`${h.http}/v1/deployments/argocd`, failed, auth)).body).toEqual({ ignored: 'sync phase "Failed" is not a finished deployment' });
  });

  it('Flux notification-controller events: a successful reconcile is a deployment of its commit; the documented error event is ignored', async () => {
    const res = await post(`${h.http}/v1/deployments/flux`, fixture('flux-kustomization-succeeded.json'), auth);
    expect(res.status).toBe(202);
    const [e] = await events('webapp');
    expect(e).toMatchObject({ version: '731f7eaddfb6af01cb2173e18f0f75b0ba780ef1', commit: '731f7eaddfb6af01cb2173e18f0f75b0ba780ef1', timeMs: Date.parse('2022-10-28T07:31:02Z') });
    // The same with the metadata key as forwarded without its API group prefix; a HelmRelease's chart version.
    const bare = fixture('flux-kustomization-succeeded.json').replace('"kustomize.toolkit.fluxcd.io/revision"', '"revision"');
    expect((await post(`${h.http}/v1/deployments/flux?service=webapp-bare`, bare, auth)).body).toMatchObject({ version: '731f7eaddfb6af01cb2173e18f0f75b0ba780ef1' });
    const helm = JSON.parse(fixture('flux-kustomization-succeeded.json')) as Record<string, unknown>;
    Object.assign(helm, { reason: 'UpgradeSucceeded', metadata: { 'helm.toolkit.fluxcd.io/revision': '6.5.0' }, involvedObject: { kind: 'HelmRelease', name: 'podinfo', namespace: 'apps' } });
    expect((await post(`${h.http}/v1/deployments/flux`, JSON.stringify(helm), auth)).body).toMatchObject({ service: 'podinfo', version: '6.5.0', commit: '' });
    expect(await post(`${h.http}/v1/deployments/flux?service=webapp-err`, fixture('flux-kustomization-error.json'), auth))
      .toEqual({ status: 200, body: { ignored: 'error event ValidationFailed: not a deployment' } });
    expect(await events('webapp-err')).toEqual([]);
  });

  it('an unknown tool path is a 404 naming the paths; without the bearer token a 401', async () => {
    const res = await post(`${h.http}/v1/deployments/jenkins`, '{}', auth);
    expect(res).toMatchObject({ status: 404, body: { message: 'no deployment endpoint at /v1/deployments/jenkins; use /v1/deployments or /v1/deployments/{github,gitlab,argocd,flux}' } });
    expect((await post(`${h.http}/v1/deployments/github`, fixture('github-deployment-status.json'), { 'x-github-event': 'deployment_status' })).status).toBe(401);
  });
});

describe('webhook signatures, when their secrets are configured, stand in for the bearer token', () => {
  let h: Harness;
  const secrets = { githubSecret: "It's a Secret to Everybody", gitlabToken: 'gl-s3cret', fluxHmacKey: 'flux-key' };
  beforeAll(async () => { h = await startHarness({ http: { auth: { bearerTokens: ['vigil-test-token-0123'] } }, deployments: { webhooks: secrets } }); });
  afterAll(async () => { await h.close(); });
  const sign = (key: string, body: string) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;

  it('GitHub X-Hub-Signature-256 (GitHub Docs, "Validating webhook deliveries": the documented test vector, then a delivery)', async () => {
    // The documented example: secret "It's a Secret to Everybody", payload "Hello, World!".
    expect(sign(secrets.githubSecret, 'Hello, World!')).toBe('sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17');
    const body = fixture('github-deployment-status.json');
    const ok = await post(`${h.http}/v1/deployments/github`, body, { 'x-github-event': 'deployment_status', 'x-hub-signature-256': sign(secrets.githubSecret, body) });
    expect(ok.status).toBe(202);
    const tampered = body.replace('"production"', '"staging"');
    const bad = await post(`${h.http}/v1/deployments/github`, tampered, { 'x-github-event': 'deployment_status', 'x-hub-signature-256': sign(secrets.githubSecret, body) });
    expect(bad).toEqual({ status: 401, body: { code: 16, message: 'X-Hub-Signature-256 does not match the body and the configured secret' } });
    expect((await post(`${h.http}/v1/deployments/github`, body, { 'x-github-event': 'deployment_status' })).status).toBe(401);
  });

  it('GitLab X-Gitlab-Token and Flux generic-hmac X-Signature', async () => {
    const gl = fixture('gitlab-deployment.json');
    expect((await post(`${h.http}/v1/deployments/gitlab`, gl, { 'x-gitlab-event': 'Deployment Hook', 'x-gitlab-token': 'gl-s3cret' })).status).toBe(202);
    expect((await post(`${h.http}/v1/deployments/gitlab`, gl, { 'x-gitlab-event': 'Deployment Hook', 'x-gitlab-token': 'nope' })).status).toBe(401);
    const fx = fixture('flux-kustomization-succeeded.json');
    expect((await post(`${h.http}/v1/deployments/flux`, fx, { 'x-signature': sign(secrets.fluxHmacKey, fx) })).status).toBe(202);
    expect((await post(`${h.http}/v1/deployments/flux`, fx, { 'x-signature': sign('other', fx) })).status).toBe(401);
    // The plain endpoint still asks for the bearer token.
    expect((await post(`${h.http}/v1/deployments`, JSON.stringify({ service: 'a', version: '1' }))).status).toBe(401);
  });
});
