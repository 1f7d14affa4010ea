/**
 * Imported first by a test file that runs shared code in its own process: that code then
 * trusts a copy of a key for 1 s, as the platform's functions do under the test settings,
 * so a revocation is seen without waiting out the 5 s default. Settings are read once, at
 * first use, so this must run before any shared module reads them.
 */
process.env.CACHE_SECONDS = '1';
