import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiReferenceHtml } from '../../infra/api-reference.ts';
import { ConsoleSite } from '../../infra/constructs/console-site.ts';

let template: Template;

beforeAll(() => {
  // Prepare: the console's construct alone, in a stack of its own.
  const stack = new Stack(new App(), 'Reference', { env: { account: '123456789012', region: 'us-east-1' } });
  new ConsoleSite(stack, 'Console', {
    api: new HttpApi(stack, 'Api'),
    accessLogs: new Bucket(stack, 'Logs'),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  template = Template.fromStack(stack);
}, 60_000);

describe('the API reference page, deployed', () => {
  it('is uploaded beside the console as `docs`, an HTML page never cached, its address invalidated on deploy', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      SystemMetadata: { 'cache-control': 'no-cache', 'content-type': 'text/html; charset=utf-8' },
      DistributionPaths: ['/docs'],
      Prune: false,
    });
  });

  it('is answered by the console’s default behaviour, so it carries the console’s Content-Security-Policy', () => {
    const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    const config = distribution?.Properties.DistributionConfig;
    const patterns = (config.CacheBehaviors as { PathPattern: string }[]).map(
      (behavior) => behavior.PathPattern,
    );
    expect(patterns).toEqual(['/api/*', '/mcp', '/health']);
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toBeDefined();
  });

  it('loads its scripts from the platform itself, with no inline script', () => {
    const html = apiReferenceHtml('scalar.js', 'init.js');
    expect([...html.matchAll(/<script src="([^"]+)"><\/script>/g)].map(([, src]) => src)).toEqual([
      '/static/init.js',
      '/static/scalar.js',
    ]);
    expect(html).not.toMatch(/<script>|<style|https?:/);
  });
});
