// Values the integration global setup hands to test files (vitest `provide` / `inject`).
// Imported for its type augmentation by global-setup.ts and the helpers in this folder.
declare module 'vitest' {
  export interface ProvidedContext {
    /** Comma-separated Kafka bootstrap servers. */
    kafkaBrokers: string;
    /** Human-readable description of where the broker came from. */
    kafkaSource: string;
    /** Base URL of a running Alertmanager, or '' when none could be started. */
    alertmanagerUrl: string;
    /** Why Alertmanager is missing ('' when it runs). */
    alertmanagerMissing: string;
  }
}

export const ALERTMANAGER_INSTALL_HINT =
  'install prometheus-alertmanager (apt-get install prometheus-alertmanager)';
