/** The live dashboard: boards, mic levels, transcripts, command log, latency per stage, main-loop delay. */
export { type DashboardOptions, DashboardServer, dashboardOptions, isLoopback } from './server.js';
export { BUCKETS_MS, type DashboardHost, DashboardState, type Snapshot, STAGES } from './state.js';
