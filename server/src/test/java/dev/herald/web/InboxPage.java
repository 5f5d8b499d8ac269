package dev.herald.web;

import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/** The inbox page ({@code /}) as a user sees it: what the tests click and read. */
final class InboxPage {
    private final Browser browser;
    private final String baseUrl;

    InboxPage(Browser browser, String baseUrl) {
        this.browser = browser;
        this.baseUrl = baseUrl;
    }

    /** Opens the page with a token handed in the address bar and waits for the live link. */
    InboxPage openWithToken(String token) {
        browser.open(baseUrl + "/?token=" + token);
        return awaitLive();
    }

    /** Opens the page signed out and picks a demo user. */
    InboxPage signInAsDemo(String name) {
        browser.open(baseUrl + "/");
        browser.await("the demo user " + name, () -> demoButton(name).isDisplayed(), shown -> shown);
        demoButton(name).click();
        return awaitLive();
    }

    private WebElement demoButton(String name) {
        return browser.find(By.xpath("//ul[@class='demo-users']//button[starts-with(normalize-space(.), '" + name + "')]"));
    }

    InboxPage awaitLive() {
        browser.await("the live link", this::connection, "Live"::equals);
        return this;
    }

    String connection() {
        return browser.find(By.id("connection")).getText();
    }

    String url() {
        return browser.driver().getCurrentUrl();
    }

    // ---- bell ----

    String bellLabel() {
        return browser.find(By.id("bell-button")).getAttribute("aria-label");
    }

    String badgeText() {
        return browser.read(() -> {
            WebElement badge = browser.find(By.id("bell-badge"));
            return badge.isDisplayed() ? badge.getText() : "";
        });
    }

    InboxPage awaitBellLabel(String label) {
        browser.await("bell label \"" + label + "\"", this::bellLabel, label::equals);
        return this;
    }

    InboxPage openBell() {
        if (!browser.find(By.id("bell-panel")).isDisplayed()) {
            browser.find(By.id("bell-button")).click();
        }
        browser.await("the bell dropdown", () -> browser.find(By.id("bell-panel")).isDisplayed(), shown -> shown);
        return this;
    }

    InboxPage closeBell() {
        if (browser.find(By.id("bell-panel")).isDisplayed()) {
            browser.find(By.id("bell-button")).click();
        }
        browser.await("the bell dropdown closed", () -> browser.find(By.id("bell-panel")).isDisplayed(), shown -> !shown);
        return this;
    }

    InboxPage tab(String label) {
        browser.find(By.xpath("//div[@id='bell-tabs']/button[normalize-space(.)='" + label + "']")).click();
        return this;
    }

    List<String> bellTitles() {
        return titles("#bell-list .bell-item-title");
    }

    List<String> unreadBellTitles() {
        return titles("#bell-list .bell-item.unread .bell-item-title");
    }

    /** Visible titles; the "Unread: " prefix is for screen readers only. */
    @SuppressWarnings("unchecked")
    private List<String> titles(String selector) {
        return (List<String>) browser.script("""
                return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent.replace(/^Unread: /, ''));
                """, selector);
    }

    WebElement bellItem(String title) {
        return browser.find(By.xpath("//ul[@id='bell-list']/li[.//span[@class='bell-item-title'][contains(., '" + title + "')]]"));
    }

    void clickBellItem(String title) {
        browser.act(() -> bellItem(title).findElement(By.className("bell-item-main")).click());
    }

    /** Hovers the item, which reveals its delete button, and clicks it. */
    void deleteFromBell(String title) {
        browser.act(() -> {
            WebElement item = bellItem(title);
            WebElement delete = item.findElement(By.className("bell-item-delete"));
            new Actions(browser.driver()).moveToElement(item).pause(200).click(delete).perform();
        });
    }

    String deleteButtonOpacity(String title) {
        return browser.read(() -> bellItem(title).findElement(By.className("bell-item-delete")).getCssValue("opacity"));
    }

    void hoverBellItem(String title) {
        browser.act(() -> new Actions(browser.driver()).moveToElement(bellItem(title)).pause(200).perform());
    }

    void markAllReadFromBell() {
        browser.find(By.id("bell-read-all")).click();
    }

    void clearReadFromBell() {
        browser.find(By.id("bell-clear-read")).click();
        browser.driver().switchTo().alert().accept();
    }

    void showMoreInBell() {
        browser.find(By.id("bell-more")).click();
    }

    boolean canShowMoreInBell() {
        return browser.find(By.id("bell-more")).isDisplayed();
    }

    // ---- list page ----

    List<String> rowTitles() {
        return titles("#rows tr .title-button");
    }

    InboxPage awaitRows(List<String> titles) {
        browser.await("rows " + titles, this::rowTitles, titles::equals);
        return this;
    }

    InboxPage awaitRowCount(int count) {
        browser.await(count + " rows", () -> rowTitles().size(), n -> n == count);
        return this;
    }

    WebElement row(String title) {
        return browser.find(By.xpath("//tbody[@id='rows']/tr[.//button[@class='title-button'][normalize-space(.)='" + title + "']]"));
    }

    String rowState(String title) {
        return browser.read(() -> row(title).findElement(By.className("col-state")).getText());
    }

    void markRowRead(String title) {
        browser.act(() -> row(title).findElement(By.xpath(".//button[@aria-label='Mark read: “" + title + "”']")).click());
    }

    void openRow(String title) {
        browser.act(() -> row(title).findElement(By.className("title-button")).click());
    }

    void select(String title) {
        browser.act(() -> row(title).findElement(By.cssSelector("input[type=checkbox]")).click());
    }

    void selectPage() {
        browser.find(By.id("select-page")).click();
    }

    void batchRead() {
        browser.find(By.id("batch-read")).click();
    }

    void batchArchive() {
        browser.find(By.id("batch-archive")).click();
    }

    void batchDelete() {
        browser.find(By.id("batch-delete")).click();
        browser.driver().switchTo().alert().accept();
    }

    String selectionCount() {
        return browser.find(By.id("selection-count")).getText();
    }

    void search(String keyword) {
        WebElement box = browser.find(By.name("keyword"));
        box.clear();
        box.sendKeys(keyword);
        browser.find(By.cssSelector("#filters button[type=submit]")).click();
    }

    void filter(String name, String value) {
        new Select(browser.find(By.cssSelector("#filters select[name='" + name + "']"))).selectByValue(value);
    }

    /** Date inputs render per locale; set the ISO value the way a date picker does. */
    void dates(String from, String to) {
        browser.script("""
                const form = document.getElementById('filters');
                form.elements.start_date.value = arguments[0];
                form.elements.end_date.value = arguments[1];
                form.elements.end_date.dispatchEvent(new Event('change', {bubbles: true}));
                """, from, to);
    }

    void resetFilters() {
        browser.find(By.cssSelector("#filters button[type=reset]")).click();
    }

    void pageSize(int size) {
        new Select(browser.find(By.id("page-size"))).selectByValue(String.valueOf(size));
    }

    void nextPage() {
        browser.find(By.id("page-next")).click();
    }

    void previousPage() {
        browser.find(By.id("page-prev")).click();
    }

    String summary() {
        return browser.find(By.id("list-summary")).getText();
    }

    InboxPage awaitSummary(String text) {
        browser.await("summary \"" + text + "\"", this::summary, text::equals);
        return this;
    }

    // ---- detail and toasts ----

    WebElement detail() {
        return browser.find(By.id("detail"));
    }

    boolean detailOpen() {
        return detail().getAttribute("open") != null;
    }

    List<String> toasts() {
        return browser.read(() -> browser.findAll(By.cssSelector("#toasts .toast strong")).stream().map(WebElement::getText).toList());
    }

    // ---- Inbox 2.0: actions, archive, snooze, unread, collapsed counts ----

    /** Clicks the control matching {@code css} inside the bell item with this title. */
    void clickInBellItem(String title, String css) {
        browser.act(() -> bellItem(title).findElement(By.cssSelector(css)).click());
    }

    /** Clicks the control matching {@code css} inside the list row with this title. */
    void clickInRow(String title, String css) {
        browser.act(() -> row(title).findElement(By.cssSelector(css)).click());
    }

    /** The texts of the elements matching {@code css} in the bell dropdown or list. */
    @SuppressWarnings("unchecked")
    List<String> texts(String css) {
        return (List<String>) browser.script(
                "return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent);", css);
    }

    int count(String css) {
        return browser.findAll(By.cssSelector(css)).size();
    }

    void view(String archived) {
        filter("archived", archived);
    }

    // ---- keyboard and menus ----

    /** Puts keyboard focus on the control matching {@code css} in the list row with this title (where Tab would reach it). */
    void focusInRow(String title, String css) {
        browser.act(() -> browser.script("arguments[0].focus();", row(title).findElement(By.cssSelector(css))));
    }

    /** Puts keyboard focus on the control matching {@code css} in the bell item with this title. */
    void focusInBellItem(String title, String css) {
        browser.act(() -> browser.script("arguments[0].focus();", bellItem(title).findElement(By.cssSelector(css))));
    }

    /** Puts keyboard focus on the control matching {@code css} in the detail dialog. */
    void focusInDetail(String css) {
        browser.act(() -> browser.script("arguments[0].focus();", detail().findElement(By.cssSelector(css))));
    }

    /** Presses keys, one after the other, on whatever has focus. */
    void press(CharSequence... keys) {
        Actions actions = new Actions(browser.driver());
        for (CharSequence key : keys) {
            actions.sendKeys(key);
        }
        actions.perform();
    }

    void pressShiftTab() {
        new Actions(browser.driver()).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
    }

    /**
     * What has keyboard focus ({@code document.activeElement}): where (list, bell, dialog, page), its
     * role and accessible name, and for a menu item the menu's name, e.g.
     * {@code list menuitem: 1 hour (Snooze “Gamma” until)}.
     */
    String focused() {
        return (String) browser.script("""
                const a = document.activeElement;
                if (!a || a === document.body) return 'nothing';
                const where = a.closest('#bell-list') ? 'bell' : a.closest('#rows') ? 'list' : a.closest('#detail') ? 'dialog' : 'page';
                const role = a.getAttribute('role') ?? a.tagName.toLowerCase();
                const name = a.getAttribute('aria-label') ?? a.textContent.trim();
                const menu = a.closest('[role=menu]');
                return `${where} ${role}: ${name}` + (menu ? ` (${menu.getAttribute('aria-label')})` : '');
                """);
    }

    InboxPage awaitFocus(String description) {
        browser.await("focus on " + description, this::focused, description::equals);
        return this;
    }

    /**
     * The snooze menu button of the list row with this title as the accessibility tree sees it:
     * the trigger's aria-haspopup and aria-expanded, the role and visibility of the element its
     * aria-controls names, and that element's items (role: text), e.g.
     * {@code menu false → menu hidden [menuitem: 1 hour, …]}.
     */
    String snoozeMenuInRow(String title) {
        return browser.read(() -> menuButton(row(title).findElement(By.cssSelector("button.snooze"))));
    }

    String snoozeMenuInBell(String title) {
        return browser.read(() -> menuButton(bellItem(title).findElement(By.cssSelector("button.snooze"))));
    }

    String snoozeMenuInDetail() {
        return browser.read(() -> menuButton(detail().findElement(By.cssSelector("button.snooze"))));
    }

    private String menuButton(WebElement trigger) {
        return (String) browser.script("""
                const t = arguments[0];
                const m = document.getElementById(t.getAttribute('aria-controls'));
                const head = t.getAttribute('aria-haspopup') + ' ' + t.getAttribute('aria-expanded') + ' → ';
                if (!m) return head + 'nothing';
                return head + m.getAttribute('role') + (m.hidden ? ' hidden' : ' shown')
                    + ' [' + [...m.children].map((c) => c.getAttribute('role') + ': ' + c.textContent).join(', ') + ']';
                """, trigger);
    }

    /** How many menus are open under {@code root}. */
    int openMenus(String root) {
        return count(root + " [role=menu]:not([hidden])");
    }

    // ---- detail dialog's state ----

    /** The dialog's "State" entry, e.g. "Unread · Archived". */
    String detailState() {
        return browser.read(() -> browser.find(By.cssSelector("#detail-meta dd:nth-of-type(4)")).getText());
    }

    /** Clicks the control matching {@code css} in the detail dialog. */
    void clickInDetail(String css) {
        browser.act(() -> detail().findElement(By.cssSelector(css)).click());
    }
}
