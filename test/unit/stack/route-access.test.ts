import { ROUTES } from '../../../functions/routes';
import { ROUTE_ACCESS, routeAccess } from '../../../lib/route-access';

describe('route access', () => {
  it('is decided for every route of the route table and for nothing else', () => {
    expect(Object.keys(ROUTE_ACCESS).sort()).toEqual(ROUTES.map((route) => route.id).sort());
    for (const route of ROUTES) expect(routeAccess(route.id)).toBe(ROUTE_ACCESS[route.id]);
  });

  it('fails synth for a route without an entry', () => {
    expect(() => routeAccess('ListIntents')).toThrow('Route ListIntents has no entry in lib/route-access.ts');
  });

  it('names single DynamoDB item actions only, never a wildcard, scan or batch', () => {
    for (const access of Object.values(ROUTE_ACCESS)) {
      for (const action of access.table.flatMap((grant) => grant.actions)) {
        expect(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']).toContain(action);
      }
    }
  });

  it('keeps the Quartz client secrets from create, which only builds an authorization URL', () => {
    expect(ROUTE_ACCESS.CreateIntent.readsQuartzClientSecrets).toBe(false);
    expect(ROUTE_ACCESS.AuthorizeIntent.readsQuartzClientSecrets).toBe(true);
  });
});
