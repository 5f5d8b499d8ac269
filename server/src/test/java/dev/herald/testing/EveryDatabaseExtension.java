package dev.herald.testing;

import dev.herald.store.Dialect;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterClassTemplateInvocationCallback;
import org.junit.jupiter.api.extension.BeforeClassTemplateInvocationCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContext;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContextProvider;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * {@link EveryDatabase}'s engine: one invocation of the test class per {@link Dialect}, named
 * after it. Each invocation creates its database before the class's tests and drops it after
 * them; the state lives in the invocation's own extension object, never in statics, so two
 * invocations cannot share a database even if they ran at once.
 */
final class EveryDatabaseExtension implements ClassTemplateInvocationContextProvider {

    @Override
    public boolean supportsClassTemplate(ExtensionContext context) {
        return true;
    }

    @Override
    public Stream<ClassTemplateInvocationContext> provideClassTemplateInvocationContexts(ExtensionContext context) {
        return Arrays.stream(Dialect.values()).map(OneDatabase::new);
    }

    /** One run of the class on one database. */
    private static final class OneDatabase implements ClassTemplateInvocationContext, BeforeClassTemplateInvocationCallback,
            AfterClassTemplateInvocationCallback, BeforeEachCallback, ParameterResolver {
        private final Dialect dialect;
        private FreshDatabase database;

        OneDatabase(Dialect dialect) {
            this.dialect = dialect;
        }

        @Override
        public String getDisplayName(int invocationIndex) {
            return dialect.name();
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of(this);
        }

        /** Fails (AssertionError from {@code TestDatabase}) when the database's server is unreachable. */
        @Override
        public void beforeClassTemplateInvocation(ExtensionContext context) {
            database = FreshDatabase.create(dialect);
        }

        @Override
        public void afterClassTemplateInvocation(ExtensionContext context) {
            if (database != null) {
                database.close();
                database = null;
            }
        }

        @Override
        public void beforeEach(ExtensionContext context) {
            database.emptyTables();
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == FreshDatabase.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return database;
        }
    }
}
