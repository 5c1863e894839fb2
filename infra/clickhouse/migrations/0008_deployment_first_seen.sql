-- First contact (record vigil.deployment/1 `firstSeen`): the first version of a service Vigil
-- met was already running, so it is learned as the baseline, not judged as a deployment.
-- GET /v1/deployments marks it. A deploy witnessed while Vigil watched outranks a first-seen
-- announcement of the same id (deploymentAnnouncementPrecedence), so a collector restart that
-- meets the running version again never relabels a watched deploy as first seen.
ALTER TABLE {{db}}.deployment_announcements ADD COLUMN IF NOT EXISTS first_seen Bool DEFAULT false;
