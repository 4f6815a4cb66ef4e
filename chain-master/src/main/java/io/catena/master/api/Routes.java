package io.catena.master.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A small route table of exact paths. A path that matches with another method gets 405 and an {@code Allow}
 * header; a path that matches nothing gets 404. Both are JSON errors.
 */
final class Routes {

    private record Route(HttpMethod method, String path, Consumer<HttpServerRequest> handler) {
    }

    private final List<Route> routes = new ArrayList<>();

    Routes get(String path, Consumer<HttpServerRequest> handler) {
        routes.add(new Route(HttpMethod.GET, path, handler));
        return this;
    }

    Routes post(String path, Consumer<HttpServerRequest> handler) {
        routes.add(new Route(HttpMethod.POST, path, handler));
        return this;
    }

    void dispatch(HttpServerRequest request) {
        String path = request.path();
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            if (!route.path.equals(path)) {
                continue;
            }
            if (route.method.equals(request.method())) {
                route.handler.accept(request);
                return;
            }
            allowed.add(route.method.name());
        }
        if (allowed.isEmpty()) {
            Responses.error(request.response(), 404, "no_route", "no resource at " + path);
        } else {
            request.response().putHeader("Allow", String.join(", ", allowed));
            Responses.error(request.response(), 405, "method_not_allowed",
                    request.method().name() + " is not allowed on " + path + "; allowed: " + allowed);
        }
    }
}
