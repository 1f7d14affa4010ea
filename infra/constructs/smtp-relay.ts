import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { FlowLogTrafficType, Peer, Port, SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  Cluster,
  ContainerImage,
  CpuArchitecture,
  Secret as EcsSecret,
  FargateService,
  FargateTaskDefinition,
  LogDrivers,
  OperatingSystemFamily,
} from 'aws-cdk-lib/aws-ecs';
import {
  NetworkLoadBalancer,
  type NetworkTargetGroup,
  Protocol,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { smtpRelayTask } from '#shared/resources.ts';
import { smtpTaskId } from '../function-catalogue.ts';
import { type CapabilityResources, provideCapabilities } from './capabilities.ts';
import { markDeployed } from './deployed-ids.ts';
import { repositoryRoot } from './mailroom-function.ts';

export interface SmtpRelayProps {
  /**
   * A Secrets Manager secret holding the relay's TLS certificate as JSON
   * `{"cert": "<PEM chain>", "key": "<PEM key>"}` for the public name clients connect to.
   */
  readonly certificateSecretArn: string;
  /** The name clients connect to (the certificate's name; a CNAME to the load balancer); the load balancer's when unset. */
  readonly hostname?: string;
  /** What the task's capabilities (`smtpRelayTask` in `shared/resources.ts`) point at. */
  readonly resources: CapabilityResources;
}

/**
 * The SMTP relay: two arm64 Fargate tasks in two Availability Zones behind a Network Load
 * Balancer that passes TCP through on 587 and 465, so the bridge itself terminates TLS
 * (STARTTLS needs the plain start of the conversation, which an NLB TLS listener would
 * not allow) with the operator's certificate from Secrets Manager. Each connection starts
 * with a PROXY protocol v2 header naming the client, which the relay's per-client limits
 * key on. The tasks scale on the number of open connections.
 */
export class SmtpRelay extends Construct {
  readonly loadBalancer: NetworkLoadBalancer;
  /** The relay's target group per listening port, for health alarms. */
  readonly targetGroups: { port: number; group: NetworkTargetGroup }[] = [];

  constructor(scope: Construct, id: string, props: SmtpRelayProps) {
    super(scope, id);
    // Public subnets only, no NAT gateway: the tasks reach AWS APIs over the internet.
    const vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: SubnetType.PUBLIC }],
    });
    // Refused connections only: the relay logs every SMTP session itself.
    vpc.addFlowLog('RejectedTraffic', { trafficType: FlowLogTrafficType.REJECT });
    const cluster = new Cluster(this, 'Cluster', { vpc });
    Validations.of(cluster).acknowledge({
      id: 'AwsSolutions-ECS4',
      reason:
        'Two small tasks: the service CPU/memory metrics and the NLB health alarms suffice without Container Insights cost.',
    });
    const certificate = Secret.fromSecretCompleteArn(this, 'Certificate', props.certificateSecretArn);

    const memoryLimitMiB = 512;
    const task = new FargateTaskDefinition(this, 'Task', {
      cpu: 256,
      memoryLimitMiB,
      runtimePlatform: {
        cpuArchitecture: CpuArchitecture.ARM64,
        operatingSystemFamily: OperatingSystemFamily.LINUX,
      },
    });
    const relay = task.addContainer('Relay', {
      image: ContainerImage.fromAsset(repositoryRoot, {
        file: 'functions/smtp/Dockerfile',
        platform: Platform.LINUX_ARM64,
        exclude: ['node_modules', 'cdk.out', '.mailroom', '.git', 'test', 'infra'],
      }),
      environment: {
        POWERTOOLS_SERVICE_NAME: 'mailroom-smtp',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // The load balancer's target groups write a PROXY protocol v2 header naming each client.
        SMTP_PROXY_PROTOCOL: 'v2',
        // Sizes how many bytes of messages the relay holds at once.
        SMTP_TASK_MEMORY_MIB: String(memoryLimitMiB),
      },
      secrets: {
        SMTP_TLS_CERT: EcsSecret.fromSecretsManager(certificate, 'cert'),
        SMTP_TLS_KEY: EcsSecret.fromSecretsManager(certificate, 'key'),
      },
      portMappings: [{ containerPort: 587 }, { containerPort: 465 }, { containerPort: 8080 }],
      logging: LogDrivers.awsLogs({
        streamPrefix: 'smtp',
        logGroup: new LogGroup(this, 'Logs', {
          retention: RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
      }),
      stopTimeout: Duration.seconds(45),
    });
    markDeployed(task, smtpTaskId);
    provideCapabilities(
      this,
      { grantee: task.taskRole, setVariable: (name, value) => relay.addEnvironment(name, value) },
      smtpRelayTask.capabilities,
      props.resources,
    );
    Validations.of(task).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'Only non-secret settings (table, queue, bucket names) are plain variables; the TLS key comes from Secrets Manager.',
    });
    Validations.of(task.obtainExecutionRole()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ecr:GetAuthorizationToken, which the execution role needs to pull the image, has no resource type.',
    });

    const securityGroup = new SecurityGroup(this, 'TaskSecurityGroup', {
      vpc,
      description: 'Mailroom SMTP relay tasks',
    });
    // Only the load balancer reaches the tasks (from its addresses in the VPC): the relay
    // trusts the PROXY header at the start of every connection, which a client reaching a
    // task's public address directly could forge.
    securityGroup.addIngressRule(
      Peer.ipv4(vpc.vpcCidrBlock),
      Port.tcp(587),
      'SMTP submission (STARTTLS) from the load balancer',
    );
    securityGroup.addIngressRule(
      Peer.ipv4(vpc.vpcCidrBlock),
      Port.tcp(465),
      'SMTP over TLS from the load balancer',
    );
    securityGroup.addIngressRule(Peer.ipv4(vpc.vpcCidrBlock), Port.tcp(8080), 'Load balancer health checks');
    Validations.of(securityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason:
        'Every rule admits only the VPC’s own CIDR block (a token the check cannot resolve), where the load balancer’s addresses are.',
    });

    const service = new FargateService(this, 'Service', {
      cluster,
      taskDefinition: task,
      desiredCount: 2,
      assignPublicIp: true,
      securityGroups: [securityGroup],
      circuitBreaker: { rollback: true },
      minHealthyPercent: 50,
    });
    const scaling = service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 10 });

    this.loadBalancer = new NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      crossZoneEnabled: true,
    });
    relay.addEnvironment('SMTP_HOSTNAME', props.hostname ?? this.loadBalancer.loadBalancerDnsName);
    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions-ELB2',
      reason:
        'NLB access logs exist only for TLS listeners; these pass TCP through, and the relay logs every session.',
    });
    for (const port of [587, 465]) {
      const listener = this.loadBalancer.addListener(`Port${port}`, { port, protocol: Protocol.TCP });
      const group = listener.addTargets(`Relay${port}`, {
        port,
        protocol: Protocol.TCP,
        targets: [service.loadBalancerTarget({ containerName: 'Relay', containerPort: port })],
        healthCheck: {
          protocol: Protocol.HTTP,
          port: '8080',
          path: '/health',
          interval: Duration.seconds(10),
        },
        deregistrationDelay: Duration.seconds(30),
        // IP targets see the load balancer's address, not the client's: the header names the
        // client, so per-client limits (connections, failed logins) do not lock out everyone.
        proxyProtocolV2: true,
      });
      this.targetGroups.push({ port, group });
      if (port === 587) {
        scaling.scaleOnMetric('Connections', {
          metric: group.metrics.custom('ActiveFlowCount', {
            statistic: 'Average',
            period: Duration.minutes(1),
          }),
          scalingSteps: [
            { upper: 200, change: -1 },
            { lower: 500, change: +1 },
            { lower: 1500, change: +3 },
          ],
        });
      }
    }

    new CfnOutput(Stack.of(this), 'SmtpLoadBalancer', {
      value: this.loadBalancer.loadBalancerDnsName,
      description: props.hostname
        ? `Point ${props.hostname} here with a CNAME record`
        : 'The SMTP relay load balancer',
    });
  }
}
