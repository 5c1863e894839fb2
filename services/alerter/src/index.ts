// Alert lifecycle, notifications, rollback hooks, deployment gate
export {};
