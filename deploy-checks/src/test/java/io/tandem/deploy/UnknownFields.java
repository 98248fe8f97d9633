package io.tandem.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.beans.Introspector;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fields of a manifest that the typed Kubernetes model does not know (a misspelled or misplaced key
 * that the API server would reject or, worse, silently drop). fabric8 keeps them in each model
 * object's {@code additionalProperties}; this walks the whole object tree and lists them.
 */
final class UnknownFields {
  private static final int MAX_DEPTH = 64;

  private UnknownFields() {}

  /**
   * The unknown fields of one object, as paths ("spec.template.spec.containers[0].imagePullPolice").
   *
   * @param allowPatchDirectives whether strategic-merge directives ({@code $patch}, {@code $retainKeys},
   *     {@code $setElementOrder/...}, {@code $deleteFromPrimitiveList/...}) are allowed (patch files)
   */
  static List<String> of(Object resource, boolean allowPatchDirectives) {
    List<String> out = new ArrayList<>();
    if (resource instanceof GenericKubernetesResource g && CustomResources.knows(g)) return CustomResources.problems(g);
    if (resource instanceof GenericKubernetesResource g) {
      out.add("(whole object: apiVersion '" + g.getApiVersion() + "' kind '" + g.getKind()
          + "' is not a type the Kubernetes model knows)");
      return out;
    }
    walk(resource, "", out, allowPatchDirectives, new IdentityHashMap<>(), 0);
    return out;
  }

  private static void walk(Object o, String path, List<String> out, boolean directives,
                           IdentityHashMap<Object, Boolean> seen, int depth) {
    if (o == null || depth > MAX_DEPTH) return;
    if (o instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        walk(e.getValue(), join(path, String.valueOf(e.getKey())), out, directives, seen, depth + 1);
      }
      return;
    }
    if (o instanceof Collection<?> list) {
      int i = 0;
      for (Object item : list) walk(item, path + "[" + i++ + "]", out, directives, seen, depth + 1);
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) return;
    if (seen.put(o, Boolean.TRUE) != null) return;
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())) continue;
      String name = m.getName();
      if (name.equals("getClass")) continue;
      if (name.equals("getAdditionalProperties")) {
        Object extra = invoke(m, o);
        if (extra instanceof Map<?, ?> map) {
          for (Object key : map.keySet()) {
            String k = String.valueOf(key);
            if (directives && k.startsWith("$")) continue;
            out.add(join(path, k));
          }
        }
        continue;
      }
      String property;
      if (name.startsWith("get") && name.length() > 3) {
        property = Introspector.decapitalize(name.substring(3));
      } else if (name.startsWith("is") && name.length() > 2 && m.getReturnType() == Boolean.class) {
        property = Introspector.decapitalize(name.substring(2));
      } else {
        continue;
      }
      Class<?> type = m.getReturnType();
      if (type.isPrimitive() || type == String.class || Number.class.isAssignableFrom(type) || type == Boolean.class) continue;
      walk(invoke(m, o), join(path, property), out, directives, seen, depth + 1);
    }
  }

  private static Object invoke(Method m, Object o) {
    try {
      return m.invoke(o);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** "Kind/name" of an object, for messages. */
  static String id(HasMetadata o) {
    return o.getKind() + "/" + (o.getMetadata() == null ? "?" : o.getMetadata().getName());
  }
}
