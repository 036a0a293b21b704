// Temporal's time-skipping test server (the Java SDK's temporal-test-server) on one loopback
// address. Its own main() listens on every interface; this starts the same services, with time
// skipping locked until a client unlocks it, on the host given, and on port 0 takes a free one.
// Prints "listening on HOST:PORT" once serving; stops when its standard input closes (the
// process that started it ended) or on SIGTERM.

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.net.InetSocketAddress;

public final class LoopbackTestServer {
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: LoopbackTestServer <host> <port>");
      System.exit(2);
    }
    TestServicesStarter services = new TestServicesStarter(true, 0);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(args[0], Integer.parseInt(args[1])));
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    Server server = builder.build().start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdownNow();
      services.close();
    }));
    System.out.println("listening on " + args[0] + ":" + server.getPort());
    System.out.flush();
    while (System.in.read() != -1) {
      // nothing is ever written: end of input means the parent is gone
    }
    System.exit(0);
  }
}
