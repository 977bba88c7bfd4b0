import * as iam from 'aws-cdk-lib/aws-iam';
import { ROUTES, type Route, type RouteId } from '../functions/routes';
import type { TableAccess } from '../functions/shared/http/route-definition';
import {
  ITEM_KINDS,
  type ItemKind,
  TABLE_INDEXES,
  type TableIndex,
} from '../functions/shared/repository/item-kinds';
import type { KeyPrefix } from '../functions/shared/repository/table-keys';

export type { RouteId };

type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:Query';

/**
 * Actions on the service table, or on one of its indexes, limited to the partitions whose key starts
 * with a prefix (on an index, its own partition key: the account).
 */
export interface TableGrant {
  actions: readonly TableAction[];
  keyPrefixes: readonly KeyPrefix[];
  /** The index the actions are for; absent for the table itself. */
  index?: string;
}

/** What one route's function may do, and nothing more. */
export interface RouteAccess {
  /**
   * No scan or batch write: every access is a key lookup (one, or a batch of them), or a query within
   * one partition.
   */
  table: readonly TableGrant[];
  /** Only a function that redeems codes at the token endpoint needs the Quartz client secrets. */
  readsQuartzClientSecrets: boolean;
  /** Only a function that answers by page needs the secret page keys are signed with. */
  signsPageKeys: boolean;
}

const prefixesOf = (kinds: readonly ItemKind[]): KeyPrefix[] =>
  [...new Set(kinds.map((kind) => ITEM_KINDS[kind].partitionPrefix))].sort();

/**
 * The least-privilege grants of a function that touches the table as `access` says: one per
 * DynamoDB action, limited by `dynamodb:LeadingKeys` to the partitions of the kinds of item it names;
 * a query of an index is granted on the index alone, within the index's own partitions, and only
 * for items the index holds. Usable for any function of the stack, not only a route's.
 */
export function tableGrants(access: TableAccess): TableGrant[] {
  const grants: TableGrant[] = [];
  const add = (action: TableAction, kinds: readonly ItemKind[] | undefined) => {
    if (kinds?.length) grants.push({ actions: [action], keyPrefixes: prefixesOf(kinds) });
  };
  add('dynamodb:GetItem', access.get);
  add('dynamodb:BatchGetItem', access.batchGet);
  add('dynamodb:PutItem', access.put);
  add('dynamodb:UpdateItem', access.update);
  const queries = new Map<TableIndex | undefined, ItemKind[]>();
  for (const { items, index } of access.query ?? [])
    queries.set(index, [...(queries.get(index) ?? []), items]);
  for (const [index, kinds] of queries) {
    if (index === undefined) {
      add('dynamodb:Query', kinds);
      continue;
    }
    const { indexName, partitionPrefix, holds } = TABLE_INDEXES[index];
    const strangers = kinds.filter((kind) => !(holds as readonly ItemKind[]).includes(kind));
    if (strangers.length > 0) throw new Error(`The ${index} index holds no ${strangers.join(', ')} items`);
    grants.push({ actions: ['dynamodb:Query'], keyPrefixes: [partitionPrefix], index: indexName });
  }
  return grants;
}

/**
 * A route's access: what its own entry says, plus what the shared chain does for every route that
 * takes an API key (reads the key) and counts against a rate-limit budget (updates its counter).
 */
export function routeAccess(route: Route): RouteAccess {
  const chain = {
    get: route.roles.length > 0 ? (['apiKey'] as const) : [],
    update: route.rateLimitBudget ? (['rateLimitCounter'] as const) : [],
  };
  return {
    table: tableGrants({
      get: [...chain.get, ...(route.table.get ?? [])],
      batchGet: route.table.batchGet ?? [],
      put: route.table.put ?? [],
      update: [...(route.table.update ?? []), ...chain.update],
      query: route.table.query ?? [],
    }),
    readsQuartzClientSecrets: route.readsQuartzClientSecrets,
    signsPageKeys: route.signsPageKeys,
  };
}

/** Every route's access by route id, as the stack grants it. */
export const ROUTE_ACCESS = Object.fromEntries(
  ROUTES.map((route) => [route.id, routeAccess(route)]),
) as Readonly<Record<RouteId, RouteAccess>>;

/** The ARN a grant is for: the table's, or its index's (`<table ARN>/index/<name>`). */
export const grantResourceArn = (tableArn: string, grant: TableGrant): string =>
  grant.index ? `${tableArn}/index/${grant.index}` : tableArn;

/** The IAM statements of the grants on the table whose ARN is given. */
export const tablePolicyStatements = (
  tableArn: string,
  grants: readonly TableGrant[],
): iam.PolicyStatement[] =>
  grants.map(
    (grant) =>
      new iam.PolicyStatement({
        actions: [...grant.actions],
        resources: [grantResourceArn(tableArn, grant)],
        conditions: {
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': grant.keyPrefixes.map((prefix) => `${prefix}*`),
          },
        },
      }),
  );
