// ClickHouse store (server or chDB in-process) and migrations
export {};
