// Mixed traffic for soak runs (the reduced one in `npm test`, the full one in `npm run bench -- soak`): every
// connection cycles through a token request and nine API calls (searches and exports), with autocannon, loopback only, bounded
// by duration.
import autocannon from 'autocannon';

export interface SoakCredential {
  clientId: string;
  clientSecret: string;
}

export interface SoakResult {
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCounts: Record<string, number>;
}

export interface SoakOptions {
  baseUrl: string;
  credential: SoakCredential;
  /** A bearer token of the same credential, for the API requests. */
  token: string;
  today: string;
  seconds: number;
  connections: number;
}

function requestMix(options: SoakOptions) {
  const json = { 'content-type': 'application/json', authorization: `Bearer ${options.token}` };
  const expiredFilter = {
    FilterGroups: [{ FilterItems: [{ FieldName: 'LicenseEndDate', Operator: '<', Value: options.today }] }],
  };
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: options.credential.clientId,
    client_secret: options.credential.clientSecret,
  }).toString();
  const [token, ...api] = [
    {
      method: 'POST' as const,
      path: '/connect/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    },
    {
      method: 'POST' as const,
      path: '/api/companies/search',
      headers: json,
      body: JSON.stringify({
        pageNumber: 1,
        pageSize: 100,
        orderBy: 'RenewalDate',
        ascending: true,
        filter: expiredFilter,
      }),
    },
    {
      method: 'POST' as const,
      path: '/api/companies/search',
      headers: json,
      body: JSON.stringify({
        pageNumber: 2,
        pageSize: 50,
        orderBy: 'CompanyName',
        ascending: false,
        filter: { SearchInputTextValue: 'a' },
      }),
    },
    {
      method: 'POST' as const,
      path: '/api/companies/search/export',
      headers: json,
      body: JSON.stringify({
        pageNumber: 1,
        pageSize: 500,
        orderBy: 'RenewalDate',
        ascending: true,
        filter: expiredFilter,
        exportType: 'CSV',
      }),
    },
  ];
  // Clients ask for a token about once per hour of work, not per request: one token request per ten.
  return [token, ...api, ...api, ...api].slice(0, 10);
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const statusCounts: Record<string, number> = {};
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.baseUrl,
        connections: options.connections,
        duration: options.seconds,
        requests: requestMix(options),
        timeout: 30,
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, statusCode) => {
      statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
    });
  });
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCounts,
  };
}
