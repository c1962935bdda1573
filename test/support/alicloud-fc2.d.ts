// @alicloud/fc2 ships no type declarations; this covers the part the gateway tests call.
declare module '@alicloud/fc2' {
  interface FCClientOptions {
    accessKeyID: string;
    accessKeySecret: string;
    region: string;
    endpoint?: string;
    timeout?: number;
  }
  class FCClient {
    constructor(accountId: string, options: FCClientOptions);
    invokeFunction(service: string, fn: string, event: string | Buffer, headers?: Record<string, string>): Promise<{ headers: Record<string, string>; data: unknown }>;
  }
  export = FCClient;
}
