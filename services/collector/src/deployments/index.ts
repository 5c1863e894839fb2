export { parseDeploymentRequest, resourceDeployment, deploymentId, DeploymentInputError } from './deployment-event.js';
export type { DeploymentEvent, DeploymentLink } from './deployment-event.js';
export { VersionTracker } from './version-tracker.js';
