// `lapse clients create|list|rotate|disable --company …`: a managed customer's own REST API clients (contract §10).
// A secret is printed once, as `export` lines ready to paste into the customer's shell; the server keeps only its
// hash, so it cannot be shown again.
import { type Command, Option } from 'commander';
import { type ClientDto, type ClientWriteBody, type LapseClient, NotFoundError } from '../../client/index.js';
import { CLIENT_STATUSES, type SearchClientDto } from '../../contract/index.js';
import type { Environment } from '../environment.js';
import { UsageError } from '../exit-codes.js';
import { type CommandContext, type ConnectionFlags, clientAction, withConnectionOptions } from './client-options.js';

const ROLE_NAMES = { reseller: 'Reseller', 'company-admin': 'Company Admin' } as const;
type RoleChoice = keyof typeof ROLE_NAMES;
const PASSIVE = CLIENT_STATUSES[1].id;

interface CreateFlags extends ConnectionFlags {
  name: string;
  role: RoleChoice;
  allowIp?: string[];
}

const SAFE_SHELL_WORD = /^[A-Za-z0-9_./:@%+=,-]+$/;
const shellWord = (text: string) => (SAFE_SHELL_WORD.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`);

/** What the customer pastes into its shell: the client's whole configuration. */
function exportLines(baseUrl: string, clientId: string, clientSecret: string): string {
  return [
    `export LAPSE_BASE_URL=${shellWord(baseUrl)}`,
    `export LAPSE_CLIENT_ID=${shellWord(clientId)}`,
    `export LAPSE_CLIENT_SECRET=${shellWord(clientSecret)}`,
  ].join('\n');
}

function printSecret(context: CommandContext, heading: string, clientId: string, clientSecret: string): void {
  process.stdout.write(`# ${heading}\n${exportLines(context.config.baseUrl, clientId, clientSecret)}\n`);
  process.stderr.write('The client secret is not shown again: store it now.\n');
}

/** The customer the clients belong to: --company (or LAPSE_COMPANY_ID), which the connection already resolved. */
function customerOf(context: CommandContext): string {
  const { companyId } = context.config;
  if (companyId === undefined) throw new UsageError('name the customer with --company (resource id or exact name)');
  return companyId;
}

async function roleResourceId(client: LapseClient, choice: RoleChoice): Promise<string> {
  const role = (await client.clients.roles()).find((entry) => entry.name === ROLE_NAMES[choice]);
  if (role === undefined) throw new UsageError(`the server offers no role "${ROLE_NAMES[choice]}"`);
  return role.resourceId;
}

/** Every client of the customer, page by page (the search rows, without roles or addresses). */
async function allClients(client: LapseClient): Promise<SearchClientDto[]> {
  const rows: SearchClientDto[] = [];
  for (let pageNumber = 1; ; pageNumber++) {
    const page = await client.clients.search({ pageNumber, pageSize: 1000 });
    rows.push(...page.results);
    if (pageNumber >= page.totalNumberOfPages) return rows;
  }
}

/** A client by its resource id, else by its client id (the one the customer sees). */
async function findClient(client: LapseClient, reference: string): Promise<ClientDto> {
  try {
    return await client.clients.get(reference);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  const match = (await allClients(client)).find((row) => row.clientId === reference);
  if (match === undefined) {
    throw new NotFoundError(`the customer has no client with the resource id or client id "${reference}"`);
  }
  return client.clients.get(match.resourceId);
}

/** The write body that leaves `current` as it is, but for its secret, which the caller supplies. */
function bodyOf(current: ClientDto): Omit<ClientWriteBody, 'clientSecret'> {
  return {
    name: current.name ?? current.clientId,
    clientId: current.clientId,
    statusId: current.statusId,
    hasIpAddressRestriction: current.hasIpAddressRestriction,
    allowedIpAddresses: current.allowedIpAddresses,
    roleResourceIdList: current.roleResourceIdList,
  };
}

async function createClientFor(context: CommandContext, flags: CreateFlags): Promise<void> {
  const customer = customerOf(context);
  const { client } = context;
  const addresses = flags.allowIp ?? [];
  const credentials = await client.clients.generateCredentials();
  const resourceId = await client.clients.create({
    name: flags.name,
    ...credentials,
    statusId: CLIENT_STATUSES[0].id,
    hasIpAddressRestriction: addresses.length > 0,
    allowedIpAddresses: addresses,
    roleResourceIdList: [await roleResourceId(client, flags.role)],
  });
  const heading = `client ${resourceId} of ${customer}, role ${ROLE_NAMES[flags.role]}`;
  printSecret(context, heading, credentials.clientId, credentials.clientSecret);
}

async function listClients(context: CommandContext): Promise<void> {
  customerOf(context);
  const rows = await allClients(context.client);
  if (rows.length === 0) {
    process.stdout.write('No clients.\n');
    return;
  }
  const lines = rows.map((row) =>
    [row.resourceId, row.clientId.padEnd(32), row.statusName.padEnd(7), row.createTime, row.clientName ?? ''].join(
      '  ',
    ),
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function rotateClient(context: CommandContext, reference: string): Promise<void> {
  customerOf(context);
  const current = await findClient(context.client, reference);
  const secret = await context.client.clients.rotate(current.resourceId, bodyOf(current));
  printSecret(
    context,
    `client ${current.resourceId}: new secret; the old one is refused from now on`,
    current.clientId,
    secret,
  );
}

async function disableClient(context: CommandContext, reference: string): Promise<void> {
  customerOf(context);
  const current = await findClient(context.client, reference);
  // The API's update takes a secret and lapse never holds the current one: a fresh, unseen one goes with it.
  await context.client.clients.rotate(current.resourceId, { ...bodyOf(current), statusId: PASSIVE });
  process.stdout.write(`disabled ${current.resourceId} (${current.clientId}): it gets no more tokens\n`);
}

export function registerClients(program: Command, environment: Environment): void {
  const clients = program
    .command('clients')
    .description("a customer's own REST API clients: create, list, rotate, disable (--company names the customer)");
  withConnectionOptions(
    clients
      .command('create')
      .description('create a client for the customer; its secret is printed once, as export lines')
      .option('--name <text>', 'what the client is for', 'REST API client')
      .addOption(
        new Option('--role <role>', 'what the client may do').choices(Object.keys(ROLE_NAMES)).default('company-admin'),
      )
      .option('--allow-ip <address...>', 'get tokens only from these addresses or CIDR ranges'),
  ).action(clientAction<CreateFlags>(environment, createClientFor));
  withConnectionOptions(clients.command('list').description("the customer's clients (never their secrets)")).action(
    clientAction(environment, listClients),
  );
  withConnectionOptions(
    clients
      .command('rotate')
      .description('give a client a new secret, printed once; the old one is refused from then on')
      .argument('<client>', 'resource id or client id'),
  ).action((reference: string, flags) =>
    clientAction(environment, (context) => rotateClient(context, reference))(flags),
  );
  withConnectionOptions(
    clients
      .command('disable')
      .description('disable a client: it gets no more tokens')
      .argument('<client>', 'resource id or client id'),
  ).action((reference: string, flags) =>
    clientAction(environment, (context) => disableClient(context, reference))(flags),
  );
}
