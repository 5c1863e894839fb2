// Vigil configuration: one YAML file plus environment overrides, validated once
export {};
