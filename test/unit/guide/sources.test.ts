/**
 * Every "Where the lab guide goes wrong" note, every lesson's sourced claim and every quiz item names
 * where a learner can check it: a public AWS documentation page or a file in a public AWS repository.
 */
import { describe, expect, it } from 'vitest';
import { lessons } from '../../../src/cli/guide/lessons/index.js';
import { QUIZ } from '../../../src/cli/guide/quiz.js';
import { SOURCES } from '../../../src/cli/guide/sources.js';

/** docs.aws.amazon.com, aws.amazon.com, or a repository of an AWS GitHub organisation (aws, awsdocs, awslabs…). */
function isAwsSource(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' || u.username || u.password || u.port) return false;
  if (u.hostname === 'docs.aws.amazon.com' || u.hostname === 'aws.amazon.com') return u.pathname.length > 1;
  // A file in a repository: /<aws org>/<repo>/blob/<ref>/<path>.
  return u.hostname === 'github.com' && /^\/aws[a-z-]*\/[\w.-]+\/blob\/[\w.-]+\/.+/.test(u.pathname);
}

describe('teaching sources', () => {
  it('the checker accepts AWS pages and AWS repository files only', () => {
    expect(isAwsSource('https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html')).toBe(true);
    expect(isAwsSource('https://github.com/aws/aws-xray-sdk-python/blob/master/aws_xray_sdk/core/recorder.py')).toBe(true);
    expect(isAwsSource('http://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html')).toBe(false);
    expect(isAwsSource('https://github.com/someone/aws-notes/blob/main/x.md')).toBe(false);
    expect(isAwsSource('https://docs.aws.amazon.com.example.com/x')).toBe(false);
    expect(isAwsSource('https://repost.aws/questions/x')).toBe(false);
    expect(isAwsSource('not a url')).toBe(false);
  });

  it('every source in the catalogue is a well-formed AWS URL', () => {
    for (const [name, url] of Object.entries(SOURCES)) expect(isAwsSource(url), `${name}: ${url}`).toBe(true);
  });

  const withLessons = Object.entries(lessons);
  it.each(withLessons)('every ⚠ note of %s names its source', (_id, lesson) => {
    for (const c of lesson.corrections) expect(isAwsSource(c.source), `${c.guide}: ${c.source}`).toBe(true);
  });

  it.each(withLessons)('the lesson of %s names where its claims can be checked', (_id, lesson) => {
    expect(lesson.sources.length).toBeGreaterThan(0);
    for (const s of lesson.sources) {
      expect(s.about.trim().length, s.url).toBeGreaterThan(0);
      expect(isAwsSource(s.url), `${s.about}: ${s.url}`).toBe(true);
    }
  });

  it.each(QUIZ.map((q) => [q.id, q] as const))('quiz item %s names the source of its explanation', (_id, q) => {
    expect(isAwsSource(q.source), `${q.id}: ${q.source}`).toBe(true);
  });
});
