package dev.herald.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;

/**
 * Counts the SQL statements a node runs: while open, it stands in DriverManager for the real
 * driver of its URL prefix (pools opened meanwhile get its connections, the node's included), and
 * records the text of every statement executed through them, a batch once per row. Closing puts
 * the real driver back. One at a time; for tests that run alone in their JVM's DriverManager.
 */
public final class StatementCounter implements Driver, AutoCloseable {
    private final Driver real;
    private final String prefix;
    private final List<String> executed = new CopyOnWriteArrayList<>();

    /** Takes the place of the driver that serves {@code sampleUrl} (e.g. {@code jdbc:postgresql://…}). */
    public StatementCounter(String sampleUrl) throws SQLException {
        this.real = DriverManager.getDriver(sampleUrl);
        this.prefix = sampleUrl.substring(0, sampleUrl.indexOf(':', "jdbc:".length()) + 1);
        DriverManager.deregisterDriver(real);
        DriverManager.registerDriver(this);
    }

    /** Statements executed so far whose text contains {@code fragment} (case-insensitive). */
    public long count(String fragment) {
        String f = fragment.toLowerCase(java.util.Locale.ROOT);
        return executed.stream().filter(s -> s.toLowerCase(java.util.Locale.ROOT).contains(f)).count();
    }

    /** Forgets what was counted. */
    public void reset() {
        executed.clear();
    }

    @Override
    public void close() throws SQLException {
        DriverManager.deregisterDriver(this);
        DriverManager.registerDriver(real);
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        Connection c = real.connect(url, info);
        return c == null ? null : proxy(Connection.class, c, (target, m, args) -> {
            Object out = m.invoke(target, args);
            if (out instanceof Statement s) {
                String sql = args != null && args.length > 0 && args[0] instanceof String text ? text : null;
                Class<?> type = m.getReturnType();
                return proxy(type, s, statementHandler(sql));
            }
            return out;
        });
    }

    private interface Call {
        Object invoke(Object target, Method m, Object[] args) throws Throwable;
    }

    private Call statementHandler(String prepared) {
        int[] rows = new int[1];
        return (target, m, args) -> {
            String name = m.getName();
            if (name.equals("addBatch")) {
                rows[0]++;
            } else if (name.equals("executeBatch") || name.equals("executeLargeBatch")) {
                for (int i = 0; i < rows[0]; i++) {
                    executed.add(prepared == null ? "batch" : prepared);
                }
                rows[0] = 0;
            } else if (name.startsWith("execute")) {
                executed.add(args != null && args.length > 0 && args[0] instanceof String text ? text
                        : prepared == null ? "?" : prepared);
            }
            return m.invoke(target, args);
        };
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Object target, Call call) {
        InvocationHandler h = (p, m, args) -> {
            try {
                return call.invoke(target, m, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (T) Proxy.newProxyInstance(StatementCounter.class.getClassLoader(), new Class<?>[] {type}, h);
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(prefix);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        return real.getPropertyInfo(url, info);
    }

    @Override
    public int getMajorVersion() {
        return real.getMajorVersion();
    }

    @Override
    public int getMinorVersion() {
        return real.getMinorVersion();
    }

    @Override
    public boolean jdbcCompliant() {
        return real.jdbcCompliant();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return real.getParentLogger();
    }
}
