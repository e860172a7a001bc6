/**
 * Topic scoping metadata of a pub/sub component, as Dapr reads it (pkg/scopes):
 * `publishingScopes` / `subscriptionScopes` ("app1=t1,t2;app2=t3": a listed app may use only
 * its topics; an empty list allows none), `allowedTopics` (nobody uses any other topic) and
 * `protectedTopics` (only apps that list the topic in their scopes may use it).
 */
import type { ComponentMetadata } from '../components/index.js';

export interface TopicScopes {
  canPublish(topic: string): boolean;
  canSubscribe(topic: string): boolean;
}

export function topicScopesOf(metadata: ComponentMetadata, appId: string): TopicScopes {
  const allowed = listOf(metadata.string('allowedTopics'));
  const protectedTopics = listOf(metadata.string('protectedTopics'));
  const publishing = scopedTopics(metadata.string('publishingScopes'), appId);
  const subscribing = scopedTopics(metadata.string('subscriptionScopes'), appId);
  const permits = (scoped: readonly string[] | undefined, topic: string): boolean => {
    if (allowed.length > 0 && !allowed.includes(topic)) return false;
    if (scoped !== undefined) return scoped.includes(topic);
    return !protectedTopics.includes(topic);
  };
  return {
    canPublish: (topic) => permits(publishing, topic),
    canSubscribe: (topic) => permits(subscribing, topic),
  };
}

/** The topics listed for `appId`, or undefined when the app has no entry. */
function scopedTopics(value: string | undefined, appId: string): string[] | undefined {
  for (const entry of (value ?? '').split(';')) {
    const [app, topics] = entry.split('=', 2);
    if (app?.trim() === appId) return listOf(topics);
  }
  return undefined;
}

function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}
