// vigil_* topics into ClickHouse exactly once
export {};
