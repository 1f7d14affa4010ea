#!/usr/bin/env node
import { Mailroom } from '@mailroom/sdk';
/**
 * `npx @mailroom/mcp`: the Mailroom MCP server over stdio. The key and the API come from
 * the environment (`MAILROOM_API_KEY`, `MAILROOM_BASE_URL`); it only reads unless started
 * with `--allow-writes` (or `MAILROOM_MCP_ALLOW_WRITES=1`) and the key holds write scopes.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { mailroomMcpServer } from './server.ts';

const key = process.env.MAILROOM_API_KEY;
if (!key) {
  console.error('Set MAILROOM_API_KEY (an ak_test_… key is a safe start) and MAILROOM_BASE_URL.');
  process.exit(1);
}
const allowWrites = process.argv.includes('--allow-writes') || process.env.MAILROOM_MCP_ALLOW_WRITES === '1';
const mailroom = new Mailroom(key, { baseUrl: process.env.MAILROOM_BASE_URL ?? 'http://localhost:3000' });
// The key's own scopes decide which tools exist, so an agent never sees one it cannot use.
const { data: account, error } = await mailroom.account.get();
if (error) {
  console.error(`Mailroom refused the key: ${error.message} (${error.code})`);
  process.exit(1);
}
const server = mailroomMcpServer({ mailroom, grant: account.key, allowWrites });
await server.connect(new StdioServerTransport());
