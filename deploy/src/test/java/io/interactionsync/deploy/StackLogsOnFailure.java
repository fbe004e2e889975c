package io.interactionsync.deploy;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * On a failed test of a packaged-stack IT, the services' last log lines are the first thing anyone needs: the IT sets
 * {@link #running} to its stack (ITs run one after another in the failsafe JVM).
 */
class StackLogsOnFailure implements TestWatcher {

    static volatile Stack running;

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Stack stack = running;
        if (stack != null) {
            for (ManagedProcess p : stack.processes()) {
                System.err.println("──── " + p.name() + " (" + p.logFile() + ") ────\n" + p.logTail(80));
            }
        }
    }
}
