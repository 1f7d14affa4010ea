export { holds, type KeyGrant } from './scopes.ts';
export { availableTools, mailroomMcpServer, type ServerOptions, serverInfo } from './server.ts';
export { type Tool, tools } from './tools.ts';
