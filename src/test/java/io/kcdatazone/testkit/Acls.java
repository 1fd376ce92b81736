package io.kcdatazone.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.awaitility.Awaitility;

/**
 * ACLs for the clusters whose authorizer allows only what ACLs grant: {@link SaslKafkaService#enforcingAcls}, and
 * a stack with {@link SaslKafkaService#stackBrokerProperties}.
 */
public final class Acls {

    private Acls() {
    }

    /** ACLs that allow {@code user} the operations on a resource, from any host. */
    public static List<AclBinding> allow(String user, ResourceType type, String name, PatternType patternType,
                                         AclOperation... operations) {
        List<AclBinding> acls = new ArrayList<>();
        for (AclOperation operation : operations) {
            acls.add(new AclBinding(new ResourcePattern(type, name, patternType),
                    new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW)));
        }
        return acls;
    }

    /** ACLs that allow {@code user} the operations on the topic named {@code topic} exactly. */
    public static List<AclBinding> allowOnTopic(String user, String topic, AclOperation... operations) {
        return allow(user, ResourceType.TOPIC, topic, PatternType.LITERAL, operations);
    }

    /**
     * Creates the ACLs through {@code admin} (a super user's) and waits until the broker's authorizer applies them:
     * the controller stores them, and the broker applies them once it has read them.
     */
    public static void grant(Admin admin, Collection<AclBinding> acls, Duration timeout) {
        try {
            admin.createAcls(acls).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not grant " + acls, e);
        }
        Awaitility.await("the broker applies " + acls).atMost(timeout).until(() -> admin.describeAcls(
                AclBindingFilter.ANY).values().get(timeout.toMillis(), TimeUnit.MILLISECONDS).containsAll(acls));
    }
}
