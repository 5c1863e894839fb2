// Pure streaming statistics
export {};
