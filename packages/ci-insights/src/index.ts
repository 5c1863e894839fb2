// CI insights: test records from OTel CI spans and JUnit XML, online flakiness and failure
// statistics, test prioritisation, parallel splitting and build-failure risk. Pure: no I/O, no clock.
export { TEST_STATUSES, isFailure, testKey } from './types.js';
export type { TestRun, TestStatus, PipelineRunResult } from './types.js';
export { DEFAULT_OPTIONS, CiOptionsError, resolveOptions } from './options.js';
export type { CiInsightsOptions, RankObjective } from './options.js';
export { DEFAULT_XML_LIMITS, XmlParseError, parseXml, lineColumn } from './xml.js';
export type { XmlElement, XmlLimits, XmlErrorCode, XmlErrorInfo } from './xml.js';
export { parseJUnitXml, DEFAULT_MAX_TEST_CASES } from './junit.js';
export type { JUnitOptions, JUnitResult, JUnitError, JUnitErrorCode } from './junit.js';
export { testRunFromOtelSpan, OTEL_ATTR } from './otel.js';
export type { OtelTestSpan, OtelMapResult, AttributeValue } from './otel.js';
export { CiHistory, nearestRank } from './history.js';
export type {
  CiHistoryState, TestState, SuiteState, PipelineState, RevisionEntry, FailingCounter, TestSummary, PipelineSummary,
} from './history.js';
export { BuildRiskModel, logit, sigmoid } from './risk.js';
export type { BuildRisk, BuildRiskState } from './risk.js';
export { prioritise, assessBuildRisk, PrioritiseError } from './prioritiser.js';
export type { PlannedTest, PrioritiseRequest, PrioritiseResult, RankedTest, Shard, AnnounceRunRequest } from './prioritiser.js';
export { splitLongestFirst } from './split.js';
export type { SplitItem, Bin } from './split.js';
export { apfd, meanApfd } from './apfd.js';
export { FLAKY_WINDOW_MS, NAME_LIMIT, emptySummary, mergeSummaries, revisionVerdict, shortRevision, testCategory, testName } from './revision-quality.js';
export type { RevisionQualityKind, RevisionTestSummary, RevisionVerdict, TestCategory } from './revision-quality.js';
export { DEFAULT_LEDGER_OPTIONS, RevisionLedger } from './revision-ledger.js';
export type { RevisionLedgerJSON, RevisionLedgerOptions } from './revision-ledger.js';
