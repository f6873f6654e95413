package net.twinblock.iscsi.session;

/** Stock {@link CommandWindow.Delivery} values. */
final class Deliveries {
    private Deliveries() {
    }

    /** Uses up a CmdSN without doing anything (a rejected or pre-aborted command). */
    static final CommandWindow.Delivery NOTHING = of(() -> { });

    static CommandWindow.Delivery of(Runnable action) {
        return new CommandWindow.Delivery() {
            @Override
            public void deliver() {
                action.run();
            }

            @Override
            public void discard() {
            }
        };
    }
}
