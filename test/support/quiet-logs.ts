// Unit tests provoke failures on purpose; their log lines would bury jest's report. Tests that
// assert on logs capture the logger themselves. Integration tests keep the logs of their stacks.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
