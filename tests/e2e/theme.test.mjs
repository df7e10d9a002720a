// The theme follows the OS until toggled; the choice survives a reload.
import assert from 'node:assert/strict';
import { createRoom, suite, unique, until } from './lib/browser.mjs';

const s = suite();

const theme = (page) => page.evaluate(() => document.documentElement.getAttribute('data-theme'));
// The page's colours once any colour transition has finished.
const colors = (page) => until('the colour transitions to finish', () => page.evaluate(() => {
  if (document.getAnimations().some((a) => a instanceof CSSTransition && a.playState === 'running')) return null;
  const html = getComputedStyle(document.documentElement);
  const body = getComputedStyle(document.body);
  return [html.backgroundColor, body.backgroundColor, body.color].join(' | ');
}));

function themeIs(page, want, what) {
  return until(`${what}: html[data-theme=${want}]`, () => theme(page), (v) => v === want);
}

for (const os of ['dark', 'light']) {
  const other = os === 'dark' ? 'light' : 'dark';
  s.test(`theme_toggle_flips_the_os_default_${os}_and_sticks`, async (t) => {
    const u = await t.user('themer', { colorScheme: os });
    const page = u.page;
    await createRoom(page, unique('theme'));
    await themeIs(page, os, `an OS in ${os} mode, nothing chosen yet`);
    const osColors = await colors(page);

    await page.locator('button#theme-toggle').click();
    await themeIs(page, other, 'after the toggle');
    const chosenColors = await colors(page);
    assert.notEqual(chosenColors, osColors, 'the page colours change with the theme');

    await page.reload();
    await themeIs(page, other, 'after a reload');
    assert.equal(await colors(page), chosenColors, 'the chosen theme\'s colours after a reload');

    // Toggling back returns to the OS's theme, and that sticks too.
    await page.locator('button#theme-toggle').click();
    await themeIs(page, os, 'after toggling back');
    await page.reload();
    await themeIs(page, os, 'after toggling back and a reload');
    assert.equal(await colors(page), osColors, 'the OS theme\'s colours again');
  });
}
