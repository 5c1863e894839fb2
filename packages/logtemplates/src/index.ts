// Online log template mining
export {};
