// CI test history: flakiness, prioritisation, build-failure risk
export {};
